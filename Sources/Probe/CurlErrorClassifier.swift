import CCurl
import CDNTopCore

/// Maps libcurl's result codes onto the error vocabulary (`ProbeErrorClass`).
///
/// The classes answer "which layer broke?": name resolution, the TCP handshake, TLS, the
/// clock, or the HTTP conversation itself. Codes that say nothing about the network (a bad
/// option, out of memory) are `other`.
enum CurlErrorClassifier {
    static func errorClass(for code: CURLcode) -> ProbeErrorClass {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            .dns
        case CURLE_COULDNT_CONNECT:
            .connect
        case CURLE_OPERATION_TIMEDOUT:
            .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CLIENTCERT:
            .tls
        case CURLE_TOO_MANY_REDIRECTS:
            .tooManyRedirects
        case CURLE_FILESIZE_EXCEEDED:
            .bodyTooLarge
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3,
             CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
             CURLE_BAD_CONTENT_ENCODING, CURLE_UNSUPPORTED_PROTOCOL:
            .protocol
        default:
            .other
        }
    }
}
