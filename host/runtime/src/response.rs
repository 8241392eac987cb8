//! Response bodies on their way out of a component.
//!
//! A component writes its body to a stream after returning the response head, so
//! the server would otherwise send the head, then each piece of body as an HTTP/1.1
//! chunk, then the closing chunk: two or three writes to the socket and a chunked
//! encoding for what is, in a shop's API, almost always a few hundred bytes of
//! JSON. [`collect_small`] waits for such a body to finish (as a buffering reverse
//! proxy does) and hands it on whole, so it leaves with a `Content-Length` in one
//! write. A body that grows past [`COLLECTED_BYTES`], carries trailers, or is an
//! event stream is passed on as it arrives, starting with what was already read.

use bytes::{Bytes, BytesMut};
use http::Response;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, SizeHint};
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasmtime_wasi_http::WasiBody;

/// Bodies up to this size are collected before the head is sent.
pub const COLLECTED_BYTES: usize = 64 << 10;

/// Collects a small response body so it is sent whole with a `Content-Length`;
/// see the module documentation. A body that fails before it is complete is an
/// error, which the caller can still answer with an error response, since
/// nothing has been sent yet.
pub async fn collect_small(
    response: Response<WasiBody>,
) -> Result<Response<WasiBody>, wasmtime_wasi_http::Error> {
    let streaming = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if streaming || response.body().is_end_stream() {
        return Ok(response);
    }
    let (parts, mut body) = response.into_parts();
    let mut collected = BytesMut::new();
    loop {
        match body.frame().await {
            None => return Ok(Response::from_parts(parts, whole(collected.freeze()))),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => {
                    collected.extend_from_slice(&data);
                    if collected.len() > COLLECTED_BYTES {
                        let head = VecDeque::from([Frame::data(collected.freeze())]);
                        return Ok(Response::from_parts(parts, resumed(head, body)));
                    }
                }
                Err(trailers) => {
                    let head = VecDeque::from([Frame::data(collected.freeze()), trailers]);
                    return Ok(Response::from_parts(parts, resumed(head, body)));
                }
            },
            Some(Err(e)) => return Err(e),
        }
    }
}

fn whole(bytes: Bytes) -> WasiBody {
    Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn resumed(head: VecDeque<Frame<Bytes>>, rest: WasiBody) -> WasiBody {
    Resumed { head, rest }.boxed_unsync()
}

/// The frames already read, then the rest of the body.
struct Resumed {
    head: VecDeque<Frame<Bytes>>,
    rest: WasiBody,
}

impl Body for Resumed {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.head.pop_front() {
            Some(frame) => Poll::Ready(Some(Ok(frame))),
            None => Pin::new(&mut self.rest).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.head.is_empty() && self.rest.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
