//! Faults on request: a small HTTP/1.1 server whose every answer a test scripts, including
//! the faults an ordinary server cannot make: a connection reset in the middle of a body, a
//! body shorter than its `Content-Length`, a connection closed before any answer, a body
//! dripped a byte at a time, answers that change from one request to the next.
//!
//! Each connection carries one request; the handler sees every request in order and decides
//! the reply.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use cloudflare_audit_logs_server::scripted::{Reply, Scripted};
//!
//! // The first request's answer stops halfway; every later one is whole.
//! let body = br#"{"success":true,"errors":[],"messages":[],"result":[]}"#.to_vec();
//! let server = Scripted::start(move |request| match request.index {
//!     0 => Reply::Truncated { status: 200, body: body.clone(), sent: body.len() / 2 },
//!     _ => Reply::Full { status: 200, headers: Vec::new(), body: body.clone() },
//! })
//! .await?;
//! println!("{}", server.base_url()); // http://127.0.0.1:PORT/client/v4
//! # Ok(()) }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The path, without the query.
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// 0 for the first request the server received.
    pub index: usize,
}

impl Request {
    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A whole answer.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The head and the first `sent` bytes of `body`, then a close: the body is shorter than
    /// its `Content-Length`.
    Truncated {
        status: u16,
        body: Vec<u8>,
        sent: usize,
    },
    /// The head and the first `sent` bytes of `body`, then a TCP reset.
    ResetMidBody { body: Vec<u8>, sent: usize },
    /// A 200 whose body is sent in chunks of `chunk` bytes, with no `Content-Length`.
    Chunked { body: Vec<u8>, chunk: usize },
    /// A 200 whose head comes at once and whose body comes one byte every `every`.
    Drip { body: Vec<u8>, every: Duration },
    /// Close the connection without answering.
    Close,
    /// Wait, then reply.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// An answer with any body and content type.
    pub fn text(status: u16, content_type: &str, body: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header to a full answer.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// The running server; it stops when dropped.
pub struct Scripted {
    base: String,
    requests: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Scripted {
    /// Starts a server on a free loopback port (an error when none can be had).
    pub async fn start(
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Scripted> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}/client/v4", listener.local_addr()?);
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let handler = Arc::new(handler);
        let counter = Arc::new(AtomicUsize::new(0));
        let seen = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, seen, counter) = (handler.clone(), seen.clone(), counter.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &*handler, &seen, &counter).await;
                });
            }
        });
        Ok(Scripted {
            base,
            requests,
            task,
        })
    }

    /// The API root to give a client.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        match self.requests.lock() {
            Ok(requests) => requests.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: &(dyn Fn(&Request) -> Reply + Send + Sync),
    seen: &Mutex<Vec<Request>>,
    counter: &AtomicUsize,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .unwrap_or_default()
        .split(' ')
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let request = Request {
        path: path.to_owned(),
        query: form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        headers,
        index: counter.fetch_add(1, Ordering::SeqCst),
    };
    if let Ok(mut seen) = seen.lock() {
        seen.push(request.clone());
    }
    let mut reply = handler(&request);
    while let Reply::Delayed(wait, inner) = reply {
        tokio::time::sleep(wait).await;
        reply = *inner;
    }
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            stream
                .write_all(&head_bytes(status, &headers, body.len()))
                .await?;
            stream.write_all(&body).await?;
        }
        Reply::Truncated { status, body, sent } => {
            let headers = [("content-type".to_owned(), "application/json".to_owned())];
            stream
                .write_all(&head_bytes(status, &headers, body.len()))
                .await?;
            stream.write_all(&body[..sent.min(body.len())]).await?;
        }
        Reply::ResetMidBody { body, sent } => {
            let headers = [("content-type".to_owned(), "application/json".to_owned())];
            stream
                .write_all(&head_bytes(200, &headers, body.len()))
                .await?;
            stream.write_all(&body[..sent.min(body.len())]).await?;
            stream.flush().await?;
            stream.set_zero_linger()?;
        }
        Reply::Chunked { body, chunk } => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            for piece in body.chunks(chunk.max(1)) {
                stream
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .await?;
                stream.write_all(piece).await?;
                stream.write_all(b"\r\n").await?;
            }
            stream.write_all(b"0\r\n\r\n").await?;
        }
        Reply::Drip { body, every } => {
            let headers = [("content-type".to_owned(), "application/json".to_owned())];
            stream
                .write_all(&head_bytes(200, &headers, body.len()))
                .await?;
            for byte in body.chunks(1) {
                stream.write_all(byte).await?;
                stream.flush().await?;
                tokio::time::sleep(every).await;
            }
        }
        Reply::Close | Reply::Delayed(..) => {}
    }
    stream.flush().await?;
    Ok(())
}

fn head_bytes(status: u16, headers: &[(String, String)], length: usize) -> Vec<u8> {
    let mut head =
        format!("HTTP/1.1 {status} X\r\ncontent-length: {length}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}
