//! Hit ratio against capacity as an SVG line chart: the picture to choose a policy by.
//!
//! One line per policy, capacity on a logarithmic x axis, hit ratio in percent on the y axis.
//! Lines that coincide stay distinguishable: earlier lines are drawn wider, under later ones,
//! and dash patterns and marker shapes cycle with different periods. The legend has a column
//! of its own beside the plot, so it covers no data. Drawn with `plotters`' SVG backend only
//! (no fonts or system libraries: text is left to the SVG viewer).

use crate::sim::RunResult;
use plotters::prelude::*;
use std::path::Path;

/// One line of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend entry.
    pub name: String,
    /// `(capacity, hit ratio %)`, by increasing capacity.
    pub points: Vec<(f64, f64)>,
}

/// Groups `results` (one trace) into one series per policy, in first-appearance order.
pub fn series(results: &[RunResult]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for r in results {
        let point = (r.capacity as f64, r.hit_ratio());
        match out.iter_mut().find(|s| s.name == r.policy.slug()) {
            Some(s) => s.points.push(point),
            None => out.push(Series {
                name: r.policy.slug().to_string(),
                points: vec![point],
            }),
        }
    }
    for s in &mut out {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

/// Canvas size, and the width of the chart beside the legend column.
const WIDTH: u32 = 1120;
const HEIGHT: u32 = 620;
const CHART_WIDTH: u32 = 880;

/// Twelve strong, distinct colours (Tableau's 10, then black and brown-grey), cycled.
const COLORS: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(100, 90, 60),
];

/// How series `i` is drawn: line width, dash (`None`: solid; else dash and gap lengths) and
/// marker shape. Earlier lines are wider, and dashes and markers cycle with different
/// periods (4 and 5), so two series that coincide differ in at least two of the three.
fn look(i: usize, count: usize) -> (u32, Option<(u32, u32)>, usize) {
    let width = (2 + (count - 1 - i) / 3) as u32;
    let dash = [None, Some((10, 5)), Some((3, 4)), Some((16, 4))][i % 4];
    (width, dash, i % 5)
}

/// Draws marker `shape` at `at`.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    shape: usize,
    at: (i32, i32),
    color: RGBAColor,
) -> Result<(), String> {
    let (x, y) = at;
    let fail = |e: &dyn std::fmt::Display| format!("cannot draw the chart: {e}");
    match shape {
        0 => area.draw(&Circle::new(at, 4, color.filled())),
        1 => area.draw(&TriangleMarker::new(at, 5, color.filled())),
        2 => area.draw(&Cross::new(at, 5, color.stroke_width(2))),
        3 => area.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            color.filled(),
        )),
        _ => area.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            color.stroke_width(2),
        )),
    }
    .map_err(|e| fail(&e))
}

/// Renders the chart as an SVG document: the plot on the left, the legend in a column of its
/// own on the right, so it never covers a line.
///
/// ```
/// use clientcache_verify::plot::{Series, render_svg};
///
/// let lru = Series { name: "lru".into(), points: vec![(100.0, 10.0), (1000.0, 40.0)] };
/// let svg = render_svg("demo", &[lru]).unwrap();
/// assert!(svg.starts_with("<svg") && svg.contains("lru"));
/// ```
pub fn render_svg(title: &str, series: &[Series]) -> Result<String, String> {
    let points = series.iter().flat_map(|s| s.points.iter());
    let (mut x_min, mut x_max, mut y_max) = (f64::INFINITY, 0.0f64, 0.0f64);
    for &(x, y) in points {
        x_min = x_min.min(x);
        x_max = x_max.max(x);
        y_max = y_max.max(y);
    }
    if x_max == 0.0 {
        return Err("nothing to plot: give at least one capacity above 0".into());
    }
    // Some room around the points; capacity 0 cannot sit on a log axis.
    let x_range = (x_min.max(1.0) / 1.25)..(x_max * 1.25);
    let y_top = ((y_max / 10.0).floor() * 10.0 + 10.0).min(100.0);
    // A margin below 0, so lines at 0 (LRU on a loop) sit above the axis, not on it.
    let y_bottom = -y_top / 40.0;
    // Tick exactly the capacities measured (a log axis would label only round numbers).
    let mut ticks: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .filter(|&x| x > 0.0)
        .collect();
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let fail = |e: &dyn std::fmt::Display| format!("cannot draw the chart: {e}");
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let (plot_area, legend_area) = root.split_horizontally(CHART_WIDTH);
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(title, ("sans-serif", 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(
                x_range.log_scale().with_key_points(ticks),
                y_bottom..y_top + 1.0,
            )
            .map_err(|e| fail(&e))?;
        chart
            .configure_mesh()
            .x_desc("capacity (entries, log scale)")
            .y_desc("hit ratio (%)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| {
                if *y < -1e-9 {
                    String::new()
                } else {
                    format!("{y:.0}")
                }
            })
            .draw()
            .map_err(|e| fail(&e))?;
        let count = series.len();
        for (i, s) in series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()].to_rgba();
            let (width, dash, shape) = look(i, count);
            let points: Vec<(f64, f64)> = s.points.iter().copied().filter(|p| p.0 > 0.0).collect();
            let style = color.stroke_width(width);
            match dash {
                None => chart
                    .draw_series(LineSeries::new(points.clone(), style))
                    .map(|_| ()),
                Some((on, off)) => chart
                    .draw_series(DashedLineSeries::new(points.clone(), on, off, style))
                    .map(|_| ()),
            }
            .map_err(|e| fail(&e))?;
            let area = chart.plotting_area();
            for &p in &points {
                let at = area.map_coordinate(&p);
                marker(&root, shape, at, color)?;
            }
            // The legend entry: a sample of the line, its marker, the name.
            let y = 70 + 26 * i as i32;
            let sample: Vec<(i32, i32)> = match dash {
                None => vec![(12, y), (52, y)],
                Some(_) => vec![(12, y), (24, y)],
            };
            legend_area
                .draw(&PathElement::new(sample, style))
                .map_err(|e| fail(&e))?;
            if dash.is_some() {
                legend_area
                    .draw(&PathElement::new(vec![(40, y), (52, y)], style))
                    .map_err(|e| fail(&e))?;
            }
            marker(&legend_area, shape, (32, y), color)?;
            legend_area
                .draw(&Text::new(s.name.as_str(), (62, y - 8), ("sans-serif", 16)))
                .map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(svg)
}

/// Checks that `path`'s folder exists: a mistyped folder is an error, not a new folder. The
/// `plot` command asks before replaying anything.
pub fn check_out_path(path: &Path) -> Result<(), String> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(format!(
            "cannot write {}: the folder {} does not exist; create it first (plot does not \
             create folders)",
            path.display(),
            dir.display()
        )),
        _ => Ok(()),
    }
}

/// Renders the chart of one trace's `results` and writes it to `path`, whose folder must
/// exist ([`check_out_path`]).
pub fn write_svg(path: &Path, title: &str, results: &[RunResult]) -> Result<(), String> {
    check_out_path(path)?;
    let svg = render_svg(title, &series(results))?;
    std::fs::write(path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
