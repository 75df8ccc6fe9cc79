import CDNTopCore
import Testing

/// One provider at a time, every cache state it documents, with header samples taken from the
/// providers' docs and from public responses.
@Suite("Classification of single providers")
struct ClassificationProviderTests {
    static let fastly: [ClassificationSample] = [
        // Fastly's "Checking cache" guide: shielding, both nodes hit.
        ClassificationSample(
            name: "Fastly shielded HIT, HIT",
            headers: responseHeaders(
                "Age: 142", "X-Served-By: cache-jfk1041-JFK, cache-ord1720-ORD",
                "X-Cache: HIT, HIT", "X-Cache-Hits: 1, 7", "Via: 1.1 varnish, 1.1 varnish"),
            expected: Classification(provider: .fastly, cache: .hit, cacheRaw: "HIT, HIT",
                                     pop: "ORD", popRegion: .northAmerica, age: 142)),
        ClassificationSample(
            name: "Fastly MISS with the newer node names",
            headers: responseHeaders(
                "x-served-by: cache-fra-etou8220046-FRA", "x-cache: MISS", "x-cache-hits: 0",
                "x-timer: S1700000000.123456,VS0,VE87", "via: 1.1 varnish", "age: 0"),
            expected: Classification(provider: .fastly, cache: .miss, cacheRaw: "MISS",
                                     pop: "FRA", popRegion: .europe, age: 0)),
        ClassificationSample(
            name: "Fastly shield MISS, edge HIT: the edge (last) decides",
            headers: responseHeaders(
                "X-Served-By: cache-iad-kiad7000106-IAD, cache-syd10148-SYD", "X-Cache: MISS, HIT"),
            expected: Classification(provider: .fastly, cache: .hit, cacheRaw: "MISS, HIT",
                                     pop: "SYD", popRegion: .oceania)),
        ClassificationSample(
            name: "Fastly shield HIT, edge MISS",
            headers: responseHeaders(
                "X-Served-By: cache-iad-kiad7000106-IAD, cache-dxb2120-DXB", "X-Cache: HIT, MISS"),
            expected: Classification(provider: .fastly, cache: .miss, cacheRaw: "HIT, MISS",
                                     pop: "DXB", popRegion: .middleEast)),
        ClassificationSample(
            name: "Fastly PASS exposed by custom VCL",
            headers: responseHeaders("X-Served-By: cache-lhr7362-LHR", "X-Cache: PASS"),
            expected: Classification(provider: .fastly, cache: .bypass, cacheRaw: "PASS",
                                     pop: "LHR", popRegion: .europe)),
        ClassificationSample(
            name: "Fastly HIT-STALE exposed by custom VCL",
            headers: responseHeaders("X-Served-By: cache-nrt-rjtt8190-NRT", "X-Cache: HIT-STALE"),
            expected: Classification(provider: .fastly, cache: .stale, cacheRaw: "HIT-STALE",
                                     pop: "NRT", popRegion: .asia)),
        ClassificationSample(
            name: "Fastly state with a clustering suffix",
            headers: responseHeaders("X-Served-By: cache-gru-sbgr1930-GRU", "X-Cache: HIT-STALE-CLUSTER"),
            expected: Classification(provider: .fastly, cache: .stale, cacheRaw: "HIT-STALE-CLUSTER",
                                     pop: "GRU", popRegion: .southAmerica)),
    ]

    static let cloudflare: [ClassificationSample] = {
        let states: [(String, CacheStatus)] = [
            ("HIT", .hit), ("MISS", .miss), ("EXPIRED", .expired), ("STALE", .stale),
            ("BYPASS", .bypass), ("REVALIDATED", .revalidated), ("UPDATING", .stale),
            ("DYNAMIC", .dynamic), ("NONE", .dynamic), ("UNKNOWN", .dynamic),
        ]
        return states.map { value, status in
            ClassificationSample(
                name: "Cloudflare \(value)",
                headers: responseHeaders("server: cloudflare", "cf-ray: 8f1e2d3c4b5a6978-SJC",
                                         "cf-cache-status: \(value)"),
                expected: Classification(provider: .cloudflare, cache: status, cacheRaw: value,
                                         pop: "SJC", popRegion: .northAmerica))
        }
    }()

    static let bunny: [ClassificationSample] = [
        ClassificationSample(
            name: "Bunny HIT in Germany for a US visitor",
            headers: responseHeaders(
                "Server: BunnyCDN-DE1-601", "CDN-PullZone: 6194262", "CDN-Uid: 7fe4b255-0146-44d1-bb9d-d592eef4ec4a",
                "CDN-RequestCountryCode: US", "CDN-Cache: HIT", "CDN-RequestId: 9b2f61d0c4e84a1fb3a7e2d55c08f6a1"),
            expected: Classification(provider: .bunny, cache: .hit, cacheRaw: "HIT",
                                     pop: "DE1", popRegion: .europe)),
        ClassificationSample(
            name: "Bunny MISS in London (UK1)",
            headers: responseHeaders("server: BunnyCDN-UK1-1486", "cdn-requestcountrycode: GB",
                                     "cdn-cache: MISS", "cdn-pullzone: 123"),
            expected: Classification(provider: .bunny, cache: .miss, cacheRaw: "MISS",
                                     pop: "UK1", popRegion: .europe)),
        ClassificationSample(
            name: "Bunny BYPASS in Los Angeles (LA1, not Laos)",
            headers: responseHeaders("Server: BunnyCDN-LA1-999", "Cdn-Pullzone: 3184689", "CDN-Cache: BYPASS"),
            expected: Classification(provider: .bunny, cache: .bypass, cacheRaw: "BYPASS",
                                     pop: "LA1", popRegion: .northAmerica)),
        ClassificationSample(
            name: "Bunny POP named by an airport code (PHX1)",
            headers: responseHeaders("server: BunnyCDN-PHX1-1155", "cdn-cache: HIT"),
            expected: Classification(provider: .bunny, cache: .hit, cacheRaw: "HIT",
                                     pop: "PHX1", popRegion: .northAmerica)),
        ClassificationSample(
            name: "Bunny Ashburn (ASB, not Ashgabat)",
            headers: responseHeaders("server: BunnyCDN-ASB1-1001", "cdn-cache: MISS"),
            expected: Classification(provider: .bunny, cache: .miss, cacheRaw: "MISS",
                                     pop: "ASB1", popRegion: .northAmerica)),
        ClassificationSample(
            name: "Bunny Singapore",
            headers: responseHeaders("server: BunnyCDN-SG1-1023", "cdn-cache: HIT"),
            expected: Classification(provider: .bunny, cache: .hit, cacheRaw: "HIT",
                                     pop: "SG1", popRegion: .asia)),
    ]

    static let fly: [ClassificationSample] = [
        ClassificationSample(
            name: "Fly proxy: no cache, edge region from the request id",
            headers: responseHeaders(
                "server: Fly/2c1bbb6a (2024-11-05)", "via: 1.1 fly.io",
                "fly-request-id: 01JBZ1RZ6GPZ4P7H8B1JQ0D2VY-cdg"),
            expected: Classification(provider: .fly, pop: "cdg", popRegion: .europe)),
        ClassificationSample(
            name: "Fly in Johannesburg, origin's own Server header",
            headers: responseHeaders("server: Caddy", "via: 2 fly.io", "fly-request-id: 01HQ7PJ6X7E8N0A7K5Z3M9W2C4-jnb"),
            expected: Classification(provider: .fly, pop: "jnb", popRegion: .africa)),
    ]

    static let cloudfront: [ClassificationSample] = [
        // From a public API Gateway response.
        ClassificationSample(
            name: "CloudFront Miss in São Paulo",
            headers: responseHeaders(
                "X-Cache: Miss from cloudfront",
                "Via: 1.1 0d2303aa8a99228e662a12ce528c15c6.cloudfront.net (CloudFront)",
                "X-Amz-Cf-Pop: GRU3-P7", "X-Amz-Cf-Id: LtXBvJto5RHphJgK3Z4DQtaExGgHG_uevwfE7C9UkiW-96ZzUVLbhg=="),
            expected: Classification(provider: .cloudfront, cache: .miss, cacheRaw: "Miss from cloudfront",
                                     pop: "GRU3-P7", popRegion: .southAmerica)),
        // From a public S3 website behind CloudFront.
        ClassificationSample(
            name: "CloudFront Hit in Singapore, S3 origin",
            headers: responseHeaders(
                "server: AmazonS3", "x-cache: Hit from cloudfront",
                "via: 1.1 6744df903aaebd8a225f5410dbe17efd.cloudfront.net (CloudFront)",
                "x-amz-cf-pop: SIN5-C1", "x-amz-cf-id: ltAr7Gus3JYZZK1inAYAF5xupRVDUXYoajlR0gAJRWAssLdD2TEGIw==",
                "age: 47871"),
            expected: Classification(provider: .cloudfront, cache: .hit, cacheRaw: "Hit from cloudfront",
                                     pop: "SIN5-C1", popRegion: .asia, age: 47871)),
        ClassificationSample(
            name: "CloudFront RefreshHit in Frankfurt",
            headers: responseHeaders("X-Cache: RefreshHit from cloudfront", "X-Amz-Cf-Pop: FRA56-P5",
                                     "X-Amz-Cf-Id: abc=="),
            expected: Classification(provider: .cloudfront, cache: .revalidated,
                                     cacheRaw: "RefreshHit from cloudfront", pop: "FRA56-P5", popRegion: .europe)),
        ClassificationSample(
            name: "CloudFront Error: no cache verdict, raw kept",
            headers: responseHeaders("X-Cache: Error from cloudfront", "X-Amz-Cf-Pop: IAD89-P1",
                                     "X-Amz-Cf-Id: abc=="),
            expected: Classification(provider: .cloudfront, cacheRaw: "Error from cloudfront",
                                     pop: "IAD89-P1", popRegion: .northAmerica)),
        ClassificationSample(
            name: "CloudFront LimitExceeded",
            headers: responseHeaders("X-Cache: LimitExceeded from cloudfront", "X-Amz-Cf-Pop: NRT57-P3",
                                     "X-Amz-Cf-Id: abc=="),
            expected: Classification(provider: .cloudfront, cacheRaw: "LimitExceeded from cloudfront",
                                     pop: "NRT57-P3", popRegion: .asia)),
        ClassificationSample(
            name: "CloudFront Redirect (HTTP to HTTPS)",
            headers: responseHeaders("Server: CloudFront", "X-Cache: Redirect from cloudfront",
                                     "X-Amz-Cf-Pop: DXB52-P1", "X-Amz-Cf-Id: abc=="),
            expected: Classification(provider: .cloudfront, cache: .dynamic, cacheRaw: "Redirect from cloudfront",
                                     pop: "DXB52-P1", popRegion: .middleEast)),
    ]

    static let keycdn: [ClassificationSample] = {
        let states: [(String, CacheStatus)] = [
            ("HIT", .hit), ("MISS", .miss), ("EXPIRED", .expired), ("REVALIDATED", .revalidated),
            ("UPDATING", .stale), ("STALE", .stale),
        ]
        let byState = states.map { value, status in
            ClassificationSample(
                name: "KeyCDN \(value)",
                headers: responseHeaders("Server: keycdn-engine", "X-Edge-Location: defr", "X-Cache: \(value)"),
                expected: Classification(provider: .keycdn, cache: status, cacheRaw: value,
                                         pop: "defr", popRegion: .europe))
        }
        return byState + [
            ClassificationSample(
                name: "KeyCDN London uses the country TLD (uk)",
                headers: responseHeaders("server: keycdn-engine", "x-edge-location: uklo", "x-cache: HIT"),
                expected: Classification(provider: .keycdn, cache: .hit, cacheRaw: "HIT",
                                         pop: "uklo", popRegion: .europe)),
            ClassificationSample(
                name: "KeyCDN Sydney",
                headers: responseHeaders("server: keycdn-engine", "x-edge-location: ausy", "x-cache: MISS"),
                expected: Classification(provider: .keycdn, cache: .miss, cacheRaw: "MISS",
                                         pop: "ausy", popRegion: .oceania)),
        ]
    }()

    static let vercel: [ClassificationSample] = {
        let states: [(String, CacheStatus)] = [
            ("HIT", .hit), ("MISS", .miss), ("STALE", .stale), ("PRERENDER", .hit),
            ("REVALIDATED", .revalidated), ("BYPASS", .bypass),
        ]
        return states.map { value, status in
            ClassificationSample(
                name: "Vercel \(value)",
                headers: responseHeaders("server: Vercel", "x-vercel-cache: \(value)",
                                         "x-vercel-id: sfo1::iad1::8ldzx-1700000000000-2f8c2b8d5e1a"),
                expected: Classification(provider: .vercel, cache: status, cacheRaw: value,
                                         pop: "sfo1", popRegion: .northAmerica))
        }
    }()

    static let netlify: [ClassificationSample] = [
        ClassificationSample(
            name: "Netlify edge miss",
            headers: responseHeaders(
                "age: 0", "cache-control: public,max-age=0,must-revalidate",
                #"cache-status: "Netlify Edge"; fwd=miss"#, "server: Netlify",
                "x-nf-request-id: 01K4WFCV24X1V0M4X1SA87S19X"),
            expected: Classification(provider: .netlify, cache: .miss, cacheRaw: #""Netlify Edge"; fwd=miss"#, age: 0)),
        ClassificationSample(
            name: "Netlify edge hit with ttl",
            headers: responseHeaders(#"Cache-Status: "Netlify Edge"; hit; ttl=16579"#, "Server: Netlify"),
            expected: Classification(provider: .netlify, cache: .hit, cacheRaw: #""Netlify Edge"; hit; ttl=16579"#)),
        ClassificationSample(
            name: "Netlify edge forwarded a stale copy",
            headers: responseHeaders(#"cache-status: "Netlify Edge"; fwd=stale"#, "server: Netlify"),
            expected: Classification(provider: .netlify, cache: .expired, cacheRaw: #""Netlify Edge"; fwd=stale"#)),
        ClassificationSample(
            name: "Netlify durable bypass, then edge hit: the last member decides",
            headers: responseHeaders(#"Cache-Status: "Netlify Durable"; fwd=bypass"#,
                                     #"Cache-Status: "Netlify Edge"; hit; ttl=3600"#, "Server: Netlify"),
            expected: Classification(provider: .netlify, cache: .hit,
                                     cacheRaw: #""Netlify Durable"; fwd=bypass, "Netlify Edge"; hit; ttl=3600"#)),
        ClassificationSample(
            name: "Netlify member with only fwd-status says nothing about the cache",
            headers: responseHeaders(#"Cache-Status: "Netlify Edge"; fwd-status=500"#, "x-nf-request-id: 01K4"),
            expected: Classification(provider: .netlify, cacheRaw: #""Netlify Edge"; fwd-status=500"#)),
    ]

    static let tigris: [ClassificationSample] = [
        ClassificationSample(
            name: "Tigris hit in Frankfurt",
            headers: responseHeaders("Server: Tigris OS", "X-Tigris-Served-From: fra",
                                     #"Server-Timing: cache;desc="hit", total;dur=3"#),
            expected: Classification(provider: .tigris, cache: .hit, cacheRaw: #"cache;desc="hit""#,
                                     pop: "fra", popRegion: .europe)),
        ClassificationSample(
            name: "Tigris miss, unquoted desc, timings on separate lines",
            headers: responseHeaders("server: Tigris OS", "x-tigris-served-from: sjc",
                                     "server-timing: total;dur=41", "server-timing: cache;desc=miss"),
            expected: Classification(provider: .tigris, cache: .miss, cacheRaw: "cache;desc=miss",
                                     pop: "sjc", popRegion: .northAmerica)),
    ]

    static let akamai: [ClassificationSample] = {
        let codes: [(String, CacheStatus)] = [
            ("TCP_HIT", .hit), ("TCP_MEM_HIT", .hit), ("TCP_IMS_HIT", .hit), ("TCP_NEGATIVE_HIT", .hit),
            ("TCP_MISS", .miss), ("TCP_REFRESH_HIT", .revalidated), ("TCP_REFRESH_MISS", .expired),
            ("TCP_REFRESH_FAIL_HIT", .stale),
        ]
        let debug = codes.map { code, status in
            let value = "\(code) from a23-62-10-149.deploy.akamaitechnologies.com (AkamaiGHost/22.2.3-5213b1e) (-)"
            return ClassificationSample(
                name: "Akamai \(code)",
                headers: responseHeaders("X-Cache: \(value)", "X-Akamai-Request-ID: 1a2b3c4d"),
                expected: Classification(provider: .akamai, cache: status, cacheRaw: value, pop: "23.62.10.149"))
        }
        return debug + [
            ClassificationSample(
                name: "Akamai-Cache-Status: the child (edge) is first",
                headers: responseHeaders("Akamai-Cache-Status: Miss from child, Hit from parent"),
                expected: Classification(provider: .akamai, cache: .miss,
                                         cacheRaw: "Miss from child, Hit from parent")),
            ClassificationSample(
                name: "Akamai-Cache-Status HitStale",
                headers: responseHeaders("Akamai-Cache-Status: HitStale from child", "Server: AkamaiGHost"),
                expected: Classification(provider: .akamai, cache: .stale, cacheRaw: "HitStale from child")),
            ClassificationSample(
                name: "Akamai-Cache-Status NotCacheable",
                headers: responseHeaders("Akamai-Cache-Status: NotCacheable from child"),
                expected: Classification(provider: .akamai, cache: .bypass, cacheRaw: "NotCacheable from child")),
        ]
    }()

    static let varnish: [ClassificationSample] = [
        ClassificationSample(
            name: "Debian Varnish 7.1 miss: one transaction id",
            headers: responseHeaders("X-Varnish: 32770", "Age: 0", "Via: 1.1 cache-host (Varnish/7.1)"),
            expected: Classification(provider: .varnish, cache: .miss, cacheRaw: "32770", age: 0)),
        ClassificationSample(
            name: "Debian Varnish 7.1 hit: two transaction ids",
            headers: responseHeaders("X-Varnish: 32773 32771", "Age: 12", "Via: 1.1 cache-host (Varnish/7.1)"),
            expected: Classification(provider: .varnish, cache: .hit, cacheRaw: "32773 32771", age: 12)),
    ]

    static let nginx: [ClassificationSample] = {
        let states: [(String, CacheStatus)] = [
            ("MISS", .miss), ("BYPASS", .bypass), ("EXPIRED", .expired), ("STALE", .stale),
            ("UPDATING", .stale), ("REVALIDATED", .revalidated), ("HIT", .hit),
        ]
        return states.map { value, status in
            ClassificationSample(
                name: "nginx proxy_cache \(value)",
                headers: responseHeaders("Server: nginx/1.22.1", "X-Cache-Status: \(value)"),
                expected: Classification(provider: .nginx, cache: status, cacheRaw: value))
        }
    }()

    /// RFC 9211 from a cache cdntop does not know: the provider stays unknown, the status is read.
    static let rfc9211: [ClassificationSample] = {
        let members: [(String, CacheStatus?)] = [
            ("OriginCache; hit; ttl=1100, \"CDN Company Here\"; hit; ttl=545", .hit),
            ("OriginCache; hit, ExampleCache; fwd=uri-miss; stored", .miss),
            ("ExampleCache; hit; ttl=-412", .stale),
            ("ExampleCache; fwd=stale; fwd-status=304", .revalidated),
            ("ExampleCache; fwd=stale; fwd-status=200; stored", .expired),
            ("ExampleCache; fwd=vary-miss", .miss),
            ("ExampleCache; fwd=partial", .miss),
            ("ExampleCache; fwd=bypass", .bypass),
            ("ExampleCache; fwd=method", .bypass),
            ("ExampleCache; fwd=request", .bypass),
            ("ExampleCache; hit=?0; fwd=miss", .miss),
            ("\"Edge, Inc; west\"; detail=\"a,b;c\"; hit", .hit),
            ("ExampleCache; collapsed", nil),
        ]
        return members.map { value, status in
            ClassificationSample(
                name: "Cache-Status: \(value)",
                headers: responseHeaders("Cache-Status: \(value)"),
                expected: Classification(cache: status, cacheRaw: value))
        }
    }()

    @Test("reads provider, cache status, POP and region", arguments:
        fastly + cloudflare + bunny + fly + cloudfront + keycdn + vercel + netlify + tigris + akamai
            + varnish + nginx + rfc9211)
    func classifies(_ sample: ClassificationSample) {
        #expect(Classifier.classify(sample.headers, configuredProvider: sample.configuredProvider) == sample.expected)
    }

    @Test("Bunny's POP region comes from the POP, never from the visitor's country")
    func bunnyIgnoresVisitorCountry() {
        let result = Classifier.classify(responseHeaders(
            "Server: BunnyCDN-DE1-601", "CDN-RequestCountryCode: AU", "CDN-Cache: HIT"))
        #expect(result.popRegion == .europe)
    }

    @Test("header names match in any letter case")
    func headerNamesAreCaseInsensitive() {
        let http2 = Classifier.classify(responseHeaders("x-served-by: cache-sjc3120-SJC", "x-cache: HIT"))
        let shouting = Classifier.classify(responseHeaders("X-SERVED-BY: cache-sjc3120-SJC", "X-CACHE: HIT"))
        #expect(http2 == shouting)
        #expect(http2.provider == .fastly)
        #expect(http2.cache == .hit)
    }

    @Test("a response with no provider headers has no classification")
    func plainOrigin() {
        let result = Classifier.classify(responseHeaders(
            "Content-Type: text/html", "Server: Caddy", "Cache-Control: max-age=60"))
        #expect(result == Classification())
    }
}
