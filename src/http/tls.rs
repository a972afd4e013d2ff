//! Whether an error is TLS's: a certificate refused, or `https` to a server that speaks plain
//! HTTP. Waiting heals neither, so neither is retried.

/// Whether `error`, or an error under it, is TLS's. An `io::Error` that wraps another is
/// looked into (its `source` skips the wrapped error and goes to that error's own source).
pub(crate) fn is_tls(error: &(dyn std::error::Error + 'static)) -> bool {
    #[cfg(feature = "rustls")]
    if error.is::<rustls::Error>() {
        return true;
    }
    let wrapped = error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        .is_some_and(|inner| is_tls(inner));
    wrapped || error.source().is_some_and(is_tls)
}
