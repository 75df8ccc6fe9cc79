// Swift cannot call C variadic functions: curl_easy_setopt and curl_easy_getinfo take one
// typed argument each here, so the type of every option is checked at the call site.
#ifndef CDNTOP_CCURL_SHIM_H
#define CDNTOP_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*cdntop_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode cdntop_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLcode cdntop_easy_setopt_offset(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLcode cdntop_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLcode cdntop_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLcode cdntop_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(easy, option, value);
}
static inline CURLcode cdntop_easy_setopt_callback(CURL *easy, CURLoption option, cdntop_curl_data_callback value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode cdntop_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}
static inline CURLcode cdntop_easy_getinfo_offset(CURL *easy, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(easy, info, value);
}
static inline CURLcode cdntop_easy_getinfo_string(CURL *easy, CURLINFO info, char **value) {
    return curl_easy_getinfo(easy, info, value);
}
static inline CURLSHcode cdntop_share_setopt_long(CURLSH *share, CURLSHoption option, long value) {
    return curl_share_setopt(share, option, value);
}
#endif
