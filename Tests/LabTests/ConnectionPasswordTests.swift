import Testing
@testable import Lab

/// The demo hands its agents the database password in `PGPASSWORD`: whatever form the
/// connection string takes, the password leaves it, so no child's command line shows it.
@Suite("Connection passwords taken out for PGPASSWORD")
struct ConnectionPasswordTests {
    @Test(arguments: [
        ("postgres://u:s%40cret@h:5432/db", "postgres://u@h:5432/db", "s@cret"),
        ("postgres://u@h/db?password=secret&sslmode=require", "postgres://u@h/db?sslmode=require", "secret"),
        ("postgresql://u:one@h/db?password=two", "postgresql://u@h/db", "two"),
        ("host=h dbname=db password=secret user=u", "host=h dbname=db user=u", "secret"),
        ("postgres://u@h/db", "postgres://u@h/db", nil),
    ] as [(String, String, String?)])
    func thePasswordLeavesTheString(connection: String, stripped: String, password: String?) {
        let split = ConnectionPassword.split(connection)
        #expect(split.uri == stripped)
        #expect(split.password == password)
    }
}
