@testable import CDNTopCore
import Testing

/// Several providers on one path leak headers into the same response; the classifier must name
/// the outermost and read the nearest cache.
@Suite("Classification of stacked providers")
struct ClassificationStackingTests {
    static let stacks: [ClassificationSample] = [
        ClassificationSample(
            name: "Cloudflare in front of Fly",
            headers: responseHeaders(
                "server: cloudflare", "cf-ray: 8f1e2d3c4b5a6978-CDG", "cf-cache-status: DYNAMIC",
                "fly-request-id: 01JBZ1RZ6GPZ4P7H8B1JQ0D2VY-cdg", "via: 1.1 fly.io"),
            expected: Classification(provider: .cloudflare, cache: .dynamic, cacheRaw: "DYNAMIC",
                                     pop: "CDG", popRegion: .europe)),
        ClassificationSample(
            name: "Fastly in front of an nginx origin with its own cache",
            headers: responseHeaders(
                "Server: nginx/1.22.1", "X-Cache-Status: HIT", "Via: 1.1 varnish",
                "X-Served-By: cache-sjc1000100-SJC", "X-Cache: MISS", "X-Cache-Hits: 0"),
            expected: Classification(provider: .fastly, cache: .miss, cacheRaw: "MISS",
                                     pop: "SJC", popRegion: .northAmerica)),
        ClassificationSample(
            name: "CloudFront in front of Fastly: the last Via entry is the outer one",
            headers: responseHeaders(
                "Via: 1.1 varnish, 1.1 0d2303aa8a99228e662a12ce528c15c6.cloudfront.net (CloudFront)",
                "X-Served-By: cache-fra-etou8220046-FRA", "X-Cache: HIT, Miss from cloudfront",
                "X-Amz-Cf-Pop: FRA56-P5", "X-Amz-Cf-Id: abc=="),
            expected: Classification(provider: .cloudfront, cache: .miss,
                                     cacheRaw: "HIT, Miss from cloudfront", pop: "FRA56-P5", popRegion: .europe)),
        ClassificationSample(
            name: "Fastly in front of CloudFront",
            headers: responseHeaders(
                "Via: 1.1 0d2303aa8a99228e662a12ce528c15c6.cloudfront.net (CloudFront), 1.1 varnish",
                "X-Amz-Cf-Pop: IAD89-P1", "X-Amz-Cf-Id: abc==",
                "X-Cache: Hit from cloudfront, MISS", "X-Served-By: cache-bma1650-BMA"),
            expected: Classification(provider: .fastly, cache: .miss, cacheRaw: "Hit from cloudfront, MISS",
                                     pop: "BMA", popRegion: .europe)),
        ClassificationSample(
            name: "Bunny in front of Fastly: Bunny rewrote Server",
            headers: responseHeaders(
                "Server: BunnyCDN-DE1-601", "CDN-Cache: MISS", "X-Served-By: cache-fra-etou8220046-FRA",
                "X-Cache: HIT"),
            expected: Classification(provider: .bunny, cache: .miss, cacheRaw: "MISS",
                                     pop: "DE1", popRegion: .europe)),
        ClassificationSample(
            name: "Cloudflare in front of Vercel",
            headers: responseHeaders(
                "server: cloudflare", "cf-ray: 8f1e2d3c4b5a6978-NRT", "cf-cache-status: BYPASS",
                "x-vercel-cache: HIT", "x-vercel-id: hnd1::iad1::8ldzx-1700000000000-2f8c2b8d5e1a"),
            expected: Classification(provider: .cloudflare, cache: .bypass, cacheRaw: "BYPASS",
                                     pop: "NRT", popRegion: .asia)),
        ClassificationSample(
            name: "two edges without Server or Via: the documented order decides",
            headers: responseHeaders("cf-ray: 8f1e2d3c4b5a6978-AMS", "cf-cache-status: HIT",
                                     "x-vercel-cache: MISS", "x-vercel-id: cdg1::abc"),
            expected: Classification(provider: .cloudflare, cache: .hit, cacheRaw: "HIT",
                                     pop: "AMS", popRegion: .europe)),
        ClassificationSample(
            name: "Fly in front of Varnish: the proxy has no cache, Varnish's verdict shows",
            headers: responseHeaders(
                "server: Fly/2c1bbb6a (2024-11-05)", "fly-request-id: 01JBZ1RZ6GPZ4P7H8B1JQ0D2VY-syd",
                "x-varnish: 98306 65539", "via: 1.1 cache-host (Varnish/7.1), 1.1 fly.io"),
            expected: Classification(provider: .fly, cache: .hit, cacheRaw: "98306 65539",
                                     pop: "syd", popRegion: .oceania)),
        ClassificationSample(
            name: "an edge that hides its cache header ends the search: nginx's HIT is not Fastly's",
            headers: responseHeaders("X-Served-By: cache-sjc1000100-SJC", "Server: nginx", "X-Cache-Status: HIT"),
            expected: Classification(provider: .fastly, pop: "SJC", popRegion: .northAmerica)),
        ClassificationSample(
            name: "RFC 9211 stands in when the edge's own header is missing",
            headers: responseHeaders("X-Served-By: cache-sjc1000100-SJC", "Cache-Status: \"Fastly\"; hit"),
            expected: Classification(provider: .fastly, cache: .hit, cacheRaw: "\"Fastly\"; hit",
                                     pop: "SJC", popRegion: .northAmerica)),
        ClassificationSample(
            name: "configured Fly on Cloudflare-fronted headers: Fly's POP, the nearest cache",
            headers: responseHeaders(
                "server: cloudflare", "cf-ray: 8f1e2d3c4b5a6978-LHR", "cf-cache-status: MISS",
                "fly-request-id: 01JBZ1RZ6GPZ4P7H8B1JQ0D2VY-lhr"),
            expected: Classification(provider: .fly, cache: .miss, cacheRaw: "MISS",
                                     pop: "lhr", popRegion: .europe),
            configuredProvider: .fly),
        ClassificationSample(
            name: "configured provider whose headers are absent falls back to detection",
            headers: responseHeaders("server: cloudflare", "cf-ray: 8f1e2d3c4b5a6978-JNB", "cf-cache-status: HIT"),
            expected: Classification(provider: .fastly, cache: .hit, cacheRaw: "HIT",
                                     pop: "JNB", popRegion: .africa),
            configuredProvider: .fastly),
        ClassificationSample(
            name: "configured Varnish is read before a leaking nginx",
            headers: responseHeaders("Server: nginx/1.22.1", "X-Cache-Status: MISS", "X-Varnish: 5 3"),
            expected: Classification(provider: .varnish, cache: .hit, cacheRaw: "5 3"),
            configuredProvider: .varnish),
        ClassificationSample(
            name: "configured Netlify on a plain origin: label only",
            headers: responseHeaders("Server: Caddy"),
            expected: Classification(provider: .netlify),
            configuredProvider: .netlify),
    ]

    @Test("names the outermost provider and reads the nearest cache", arguments: stacks)
    func classifiesStack(_ sample: ClassificationSample) {
        #expect(Classifier.classify(sample.headers, configuredProvider: sample.configuredProvider) == sample.expected)
    }

    @Test("without a configured provider, the same stack reads the same as detection")
    func configuredAgreesWithDetection() {
        let headers = responseHeaders("Server: BunnyCDN-DE1-601", "CDN-Cache: HIT")
        #expect(Classifier.classify(headers, configuredProvider: .bunny) == Classifier.classify(headers))
    }

    @Test("every provider has a profile", arguments: Provider.allCases)
    func everyProviderHasAProfile(_ provider: Provider) {
        #expect(ProviderProfile.profile(for: provider) != nil)
        #expect(ProviderProfile.all.filter { $0.provider == provider }.count == 1)
    }

    @Test("CDN edges come before proxies and origin caches in the fallback order")
    func edgesComeFirst() {
        let layers = ProviderProfile.all.map(\.layer)
        let firstInner = layers.firstIndex(of: .inner) ?? layers.endIndex
        #expect(!layers[firstInner...].contains(.edge))
        #expect(ProviderProfile.all.filter { $0.layer == .inner }.map(\.provider) == [.tigris, .fly, .varnish, .nginx])
    }
}
