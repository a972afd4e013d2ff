//! A small HTTP server: routes by path, each answered by a handler that sees the path and
//! the decoded query and returns a status, headers and a body. It listens on a free port of
//! the loopback interface and stops when dropped. On request it waits a latency before each
//! answer.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// What a handler sees of a request.
#[derive(Debug)]
pub struct Request {
    path: String,
    query: Vec<(String, String)>,
}

impl Request {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Each query parameter, decoded, in the order sent (a repeated name is repeated).
    pub fn query_params(&self) -> Vec<(String, String)> {
        self.query.clone()
    }
}

/// A handler's answer.
#[derive(Debug)]
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Response {
    /// An answer to build: status 200, no headers, no body until set.
    pub fn builder() -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn status(mut self, status: u16) -> Response {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: impl Into<Bytes>) -> Response {
        self.body = body.into();
        self
    }

    /// The answer as built (the builder is the answer).
    pub fn build(self) -> Response {
        self
    }

    /// The body as it will be sent.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }
}

/// Which paths a route answers.
#[derive(Clone, Debug)]
pub enum Path {
    /// This path exactly.
    Exact(String),
    /// Any of these paths.
    OneOf(Vec<Path>),
    /// `prefix`, one path segment (no `/`), then `suffix`.
    Segment { prefix: String, suffix: String },
}

impl Path {
    fn matches(&self, path: &str) -> bool {
        match self {
            Path::Exact(exact) => path == exact,
            Path::OneOf(paths) => paths.iter().any(|p| p.matches(path)),
            Path::Segment { prefix, suffix } => path
                .strip_prefix(prefix.as_str())
                .and_then(|rest| rest.strip_suffix(suffix.as_str()))
                .is_some_and(|segment| !segment.is_empty() && !segment.contains('/')),
        }
    }
}

type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

/// Routes, tried in the order added; a path no route answers gets a 404.
#[derive(Clone, Default)]
pub struct Router {
    routes: Vec<(Path, Handler)>,
    latency: Duration,
}

impl Router {
    /// Waits `latency` before each answer (a network's round trip).
    pub fn latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    /// Answers `path` with `handler`.
    pub fn route(
        &mut self,
        path: Path,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) {
        self.routes.push((path, Arc::new(handler)));
    }

    fn answer(&self, request: &Request) -> Response {
        match self.routes.iter().find(|(path, _)| path.matches(&request.path)) {
            Some((_, handler)) => handler(request),
            None => Response::builder()
                .status(404)
                .header("content-type", "application/json")
                .body(r#"{"success":false,"errors":[{"code":7003,"message":"No route for that URI"}],"messages":[]}"#),
        }
    }

    /// Serves the routes on a free loopback port until the returned server is dropped.
    pub async fn serve(self) -> std::io::Result<Running> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let router = Arc::new(self);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: hyper::Request<Incoming>| {
                        let router = router.clone();
                        async move {
                            if !router.latency.is_zero() {
                                tokio::time::sleep(router.latency).await;
                            }
                            Ok::<_, Infallible>(router.respond(&request))
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Running { address, task })
    }

    fn respond(&self, request: &hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let query = request
            .uri()
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let seen = Request {
            path: request.uri().path().to_owned(),
            query,
        };
        let answer = self.answer(&seen);
        let mut response = hyper::Response::new(Full::new(answer.body));
        *response.status_mut() =
            hyper::StatusCode::from_u16(answer.status).unwrap_or(hyper::StatusCode::OK);
        for (name, value) in answer.headers {
            if let (Ok(name), Ok(value)) = (
                hyper::header::HeaderName::from_bytes(name.as_bytes()),
                hyper::header::HeaderValue::from_str(&value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

/// A running server; dropping it stops it.
#[derive(Debug)]
pub struct Running {
    address: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}
