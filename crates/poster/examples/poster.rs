//! Writes a sample poster: `cargo run -p poster --example poster -- out.png`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "poster.png".into());
    let info = poster::PosterInfo {
        room_name: "陈师社区有事好商量议事室".into(),
        region: "江苏省 淮安市 涟水县 陈师街道 陈师社区".into(),
        convener: "陈玉梅".into(),
        place: "陈师社区党群服务中心三楼协商议事室".into(),
        url: "http://127.0.0.1:8080/r/chenshi-sq".into(),
        code: "chenshi-sq".into(),
    };
    std::fs::write(&out, poster::png(&info, poster::Paper::A4, 72.0)?)?;
    Ok(())
}
