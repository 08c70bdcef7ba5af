//! The chart font: DejaVu Sans, embedded in the binary and registered with plotters' ab_glyph
//! text support, so that charts render the same on a machine with no system fonts.
//!
//! It owns the registration only; it must not look for fonts on the system. The font file and
//! its licence live in `assets/fonts/`.

use super::ReportError;
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE-DejaVu.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family name charts ask for; every style falls back to the regular face.
pub const FAMILY: &str = "sans-serif";

/// Registers the embedded font (once per process) for both the SVG and PNG backends; safe to
/// call from every chart.
pub fn ensure_registered() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        [FontStyle::Normal, FontStyle::Bold]
            .into_iter()
            .all(|style| plotters::style::register_font(FAMILY, style, DEJAVU_SANS).is_ok())
    });
    if ok { Ok(()) } else { Err(ReportError::Font) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn embedded_font_lays_out_text_without_system_fonts() {
        ensure_registered().unwrap();
        let style = TextStyle::from((FAMILY, 20).into_font());
        let (w, h) = style.font.box_size("worker-0").unwrap();
        assert!(w > 40 && h > 10, "{w}x{h}");
    }

    #[test]
    fn png_text_draws_pixels() {
        ensure_registered().unwrap();
        let mut buffer = vec![255u8; 200 * 50 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut buffer, (200, 50)).into_drawing_area();
            root.draw_text("jobsim", &(FAMILY, 30).into_font().color(&BLACK), (5, 5))
                .unwrap();
            root.present().unwrap();
        }
        assert!(buffer.iter().any(|&b| b < 128));
    }
}
