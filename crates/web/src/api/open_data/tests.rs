//! A streamed download through the response compressor a browser meets.
use std::convert::Infallible;
use std::io::Read;

use axum::body::Body;
use axum::http::{Request, header};
use tower::{ServiceBuilder, ServiceExt};

use super::{DataFormat, streamed};

/// A city's export is far longer than the compressor's buffers; it must
/// arrive whole, in gzip and brotli alike (it was cut off at 229 KB).
#[tokio::test]
async fn a_long_download_arrives_whole_when_compressed() {
    let lines: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                "{i},陈师村第{}组农路改造,{}\n",
                i % 12 + 1,
                i * 7919 % 10_007
            )
        })
        .collect();
    let expected = lines.concat();
    let service = ServiceBuilder::new()
        .layer(crate::routes::compression())
        .service_fn(move |_: Request<Body>| {
            let lines = lines.clone();
            async move {
                Ok::<_, Infallible>(streamed(DataFormat::Csv, "topics", |mut sink| async move {
                    // In pages, as the store is read.
                    for page in lines.chunks(100) {
                        sink.send(page.concat().into_bytes()).await;
                    }
                }))
            }
        });
    for coding in ["gzip", "br"] {
        let asked = Request::get("/")
            .header(header::ACCEPT_ENCODING, coding)
            .body(Body::empty())
            .unwrap();
        let response = service.clone().oneshot(asked).await.unwrap();
        assert_eq!(response.headers()[header::CONTENT_ENCODING], coding);
        let body = axum::body::to_bytes(Body::new(response.into_body()), usize::MAX)
            .await
            .unwrap();
        assert!(
            body.len() * 3 < expected.len(),
            "{coding}: {} bytes",
            body.len()
        );
        let mut got = String::new();
        match coding {
            "gzip" => flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut got),
            _ => brotli::Decompressor::new(&body[..], 4096).read_to_string(&mut got),
        }
        .unwrap();
        assert!(
            got == expected,
            "{coding}: {} of {} bytes",
            got.len(),
            expected.len()
        );
    }
}
