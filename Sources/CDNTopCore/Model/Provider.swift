/// A CDN, proxy or cache that cdntop recognises by its response headers (the table in `ProviderProfile`).
///
/// The raw values are the lowercase names used in config files, JSON lines and the database.
public enum Provider: String, CaseIterable, Sendable, Codable, Hashable {
    case fastly
    case cloudflare
    case bunny
    case fly
    case cloudfront
    case keycdn
    case vercel
    case netlify
    case tigris
    case akamai
    case varnish
    case nginx

    /// The name people write in prose and tables.
    public var displayName: String {
        switch self {
        case .fastly: "Fastly"
        case .cloudflare: "Cloudflare"
        case .bunny: "Bunny"
        case .fly: "Fly.io"
        case .cloudfront: "CloudFront"
        case .keycdn: "KeyCDN"
        case .vercel: "Vercel"
        case .netlify: "Netlify"
        case .tigris: "Tigris"
        case .akamai: "Akamai"
        case .varnish: "Varnish"
        case .nginx: "nginx"
        }
    }
}
