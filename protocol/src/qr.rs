//! QR codes of card strings, as SVG and PNG.

use crate::error::{ProtocolError, Result};
use qrcode::{Color, EcLevel, QrCode};

/// Modules of white border around the code (the QR standard asks for 4).
const QUIET_ZONE: usize = 4;

fn code(text: &str) -> Result<QrCode> {
    // Level M survives a worn or creased print and still fits a card string
    // in a code that cheap phone cameras read.
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        ProtocolError::Qr {
            detail: e.to_string(),
        }
    })
}

/// An SVG document of the QR code, at least `min_px` pixels wide.
pub fn svg(text: &str, min_px: u32) -> Result<String> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(min_px, min_px)
        .quiet_zone(true)
        .build())
}

/// An 8-bit greyscale PNG of the QR code, `scale` pixels per module.
pub fn png(text: &str, scale: u32) -> Result<Vec<u8>> {
    let code = code(text)?;
    let scale = scale.clamp(1, 32) as usize;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
            }
        }
    }
    let side = u32::try_from(side).map_err(|_| ProtocolError::Qr {
        detail: "image too large".into(),
    })?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels).and_then(|()| w.finish()))
        .map_err(|e| ProtocolError::Qr {
            detail: e.to_string(),
        })?;
    Ok(out)
}
