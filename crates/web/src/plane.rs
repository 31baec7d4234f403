//! Places on a plane instead of a map: the rooms and the places residents
//! marked, drawn as SVG points from their degrees, with no tiles to fetch,
//! so the drawing works offline and inside a government intranet.
use domain::Phase;

/// What a spot stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A deliberation room.
    Room,
    /// A topic where its resident marked it, coloured by its phase.
    Topic(Phase),
}

/// A place to draw.
pub struct Spot {
    /// Millionths of a degree: latitude, longitude.
    pub point: (i64, i64),
    pub mark: Mark,
    /// What a screen reader says and a pointer's hover shows.
    pub label: String,
    /// Written beside the spot (a room's short name), if anything.
    pub caption: Option<String>,
    pub link: String,
}

/// A spot where it falls on the drawing, in the drawing's units.
pub struct Drawn {
    pub x: f64,
    pub y: f64,
    /// `room`, or the topic's phase code (`waiting`, `resolved`, …).
    pub class: &'static str,
    pub is_room: bool,
    pub label: String,
    pub caption: Option<String>,
    /// Where the caption starts and its `text-anchor`: to the right of the
    /// spot, or to its left near the right edge so it is not cut off.
    pub caption_at: (f64, f64, &'static str),
    pub link: String,
}

/// The drawing: its size, its spots (topics under rooms, so a room stays
/// on top and can be tapped) and a scale bar.
pub struct Plane {
    pub width: u32,
    pub height: u32,
    pub spots: Vec<Drawn>,
    /// The bar's length in drawing units, and what it measures (500米).
    pub bar: (f64, String),
}

/// The drawing's width; phones scale it down to theirs.
const WIDTH: f64 = 640.0;
/// Room around the spots for their marks and captions.
const MARGIN: f64 = 32.0;
/// A caption's room to the right of its spot (five characters).
const CAPTION_ROOM: f64 = 80.0;
/// The least span drawn, in degrees (about 600 m), so a lone spot or a few
/// close together do not fill the whole drawing.
const LEAST_SPAN: f64 = 0.006;
/// Metres in a degree of latitude.
const METRES_PER_DEGREE: f64 = 111_320.0;
/// The scale bar is the longest of these that fits in a fifth of the width.
const BARS: [(f64, &str); 9] = [
    (50.0, "50米"),
    (100.0, "100米"),
    (200.0, "200米"),
    (500.0, "500米"),
    (1_000.0, "1公里"),
    (2_000.0, "2公里"),
    (5_000.0, "5公里"),
    (10_000.0, "10公里"),
    (20_000.0, "20公里"),
];

impl Plane {
    /// The spots drawn to fit, or `None` when there is nothing to draw.
    /// Longitude is shortened by the cosine of the middle latitude, so a
    /// kilometre east is as long as a kilometre north.
    pub fn of(spots: Vec<Spot>) -> Option<Plane> {
        let degrees = |e6: i64| e6 as f64 / 1e6;
        let lats = spots.iter().map(|s| degrees(s.point.0));
        let (south, north) = bounds(lats)?;
        let shrink = ((south + north) / 2.0).to_radians().cos();
        let xs = spots.iter().map(|s| degrees(s.point.1) * shrink);
        let (west, east) = bounds(xs)?;
        let (wide, tall) = (
            (east - west).max(LEAST_SPAN),
            (north - south).max(LEAST_SPAN),
        );
        let inner_width = WIDTH - 2.0 * MARGIN;
        let inner_height = (inner_width * tall / wide).clamp(200.0, 560.0);
        let height = inner_height + 2.0 * MARGIN;
        let scale = (inner_width / wide).min(inner_height / tall);
        let (mid_x, mid_y) = ((west + east) / 2.0, (south + north) / 2.0);
        let tenth = |v: f64| (v * 10.0).round() / 10.0;
        let mut drawn: Vec<Drawn> = spots
            .into_iter()
            .map(|s| {
                let (lat, lng) = (degrees(s.point.0), degrees(s.point.1) * shrink);
                let (x, y) = (
                    tenth(WIDTH / 2.0 + (lng - mid_x) * scale),
                    tenth(height / 2.0 - (lat - mid_y) * scale),
                );
                Drawn {
                    x,
                    y,
                    caption_at: if x > WIDTH - CAPTION_ROOM {
                        (x - 10.0, y + 4.0, "end")
                    } else {
                        (x + 10.0, y + 4.0, "start")
                    },
                    class: match s.mark {
                        Mark::Room => "room",
                        Mark::Topic(p) => p.code(),
                    },
                    is_room: s.mark == Mark::Room,
                    label: s.label,
                    caption: s.caption,
                    link: s.link,
                }
            })
            .collect();
        drawn.sort_by_key(|d| d.is_room);
        let per_metre = scale / METRES_PER_DEGREE;
        let (metres, text) = BARS
            .iter()
            .rev()
            .find(|(m, _)| m * per_metre <= WIDTH / 5.0)
            .unwrap_or(&BARS[0]);
        Some(Plane {
            width: WIDTH as u32,
            height: height.round() as u32,
            spots: drawn,
            bar: (tenth(metres * per_metre), (*text).to_owned()),
        })
    }
}

/// The least and greatest of some numbers, or `None` for none.
fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |b, v| match b {
        None => Some((v, v)),
        Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spot(lat: f64, lng: f64, mark: Mark) -> Spot {
        Spot {
            point: ((lat * 1e6) as i64, (lng * 1e6) as i64),
            mark,
            label: String::new(),
            caption: None,
            link: String::new(),
        }
    }

    #[test]
    fn north_is_up_east_is_right_and_everything_fits() {
        let plane = Plane::of(vec![
            spot(33.80, 119.25, Mark::Room),
            spot(33.70, 119.25, Mark::Topic(Phase::Waiting)),
            spot(33.75, 119.30, Mark::Topic(Phase::Resolved)),
        ])
        .unwrap();
        let at = |class: &str| plane.spots.iter().find(|d| d.class == class).unwrap();
        let (room, south, east) = (at("room"), at("waiting"), at("resolved"));
        assert!(room.y < south.y, "north is up");
        assert!(east.x > room.x, "east is right");
        for d in &plane.spots {
            assert!(
                d.x >= MARGIN - 0.1 && d.x <= WIDTH - MARGIN + 0.1,
                "{}",
                d.x
            );
            assert!(d.y >= MARGIN - 0.1 && d.y <= plane.height as f64 - MARGIN + 0.1);
        }
        assert!(
            plane.spots.last().unwrap().is_room,
            "rooms are drawn last, on top"
        );
    }

    #[test]
    fn a_kilometre_east_is_as_long_as_a_kilometre_north() {
        // At 33.75°N a degree of longitude is cos(33.75°) of one of latitude.
        let shrink = 33.75_f64.to_radians().cos();
        let plane = Plane::of(vec![
            spot(33.75, 119.25, Mark::Room),
            spot(33.76, 119.25, Mark::Room),
            spot(33.75, 119.25 + 0.01 / shrink, Mark::Room),
        ])
        .unwrap();
        let o = &plane.spots[0];
        let north = o.y - plane.spots[1].y;
        let east = plane.spots[2].x - o.x;
        assert!((north - east).abs() < 0.5, "north {north}, east {east}");
    }

    #[test]
    fn a_lone_spot_sits_in_the_middle_and_the_bar_measures_the_drawing() {
        let plane = Plane::of(vec![spot(33.7465, 119.2618, Mark::Room)]).unwrap();
        let d = &plane.spots[0];
        assert_eq!(d.x, WIDTH / 2.0);
        assert_eq!(d.y, plane.height as f64 / 2.0);
        // The least span (0.006° ≈ 668 m) fills the inner height of 560:
        // 0.84 units a metre, so 100 m is the longest round bar within a
        // fifth of the width (128).
        assert_eq!(plane.bar.1, "100米");
        let expected = 100.0 * 560.0 / (LEAST_SPAN * METRES_PER_DEGREE);
        assert!((plane.bar.0 - expected).abs() < 0.1, "{:?}", plane.bar);
        assert!(Plane::of(Vec::new()).is_none());
    }
}
