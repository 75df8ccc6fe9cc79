import CDNTopCore
import Testing

@Suite("Credential mask")
struct CredentialMaskTests {
    @Test(arguments: [
        ("https://user:pass@host/", "https://user@host/"),
        ("postgres://user:pass@host/db", "postgres://user@host/db"),
        ("postgres://user:p@ss:w@rd@host:5432/db?sslmode=require", "postgres://user@host:5432/db?sslmode=require"),
        ("http://user:pass@[::1]:8080/x", "http://user@[::1]:8080/x"),
        ("cannot open \"postgres://a:b@h/db\": refused; retry https://c:d@e/", "cannot open \"postgres://a@h/db\": refused; retry https://c@e/"),
        ("https://user@host/", "https://user@host/"),
        ("https://host:8443/path?q=a:b@c", "https://host:8443/path?q=a:b@c"),
        ("/var/lib/cdntop/probes.sqlite", "/var/lib/cdntop/probes.sqlite"),
        ("no url at all: a:b@c", "no url at all: a:b@c"),
    ])
    func dropsPasswordsKeepsEverythingElse(text: String, expected: String) {
        #expect(CredentialMask.masked(text) == expected)
    }
}
