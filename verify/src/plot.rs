//! Hit ratio against capacity as an SVG line chart: the picture to choose a policy by.
//!
//! One line per policy, capacity on a logarithmic x axis, hit ratio in percent on the y axis.
//! Drawn with `plotters`' SVG backend only (no fonts or system libraries: text is left to the
//! SVG viewer).

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

/// Renders the chart as an SVG document.
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
        let root = SVGBackend::with_string(&mut svg, (960, 600)).into_drawing_area();
        let fail = |e: &dyn std::fmt::Display| format!("cannot draw the chart: {e}");
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(x_range.log_scale().with_key_points(ticks), 0.0..y_top)
            .map_err(|e| fail(&e))?;
        chart
            .configure_mesh()
            .x_desc("capacity (entries, log scale)")
            .y_desc("hit ratio (%)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(|e| fail(&e))?;
        let count = series.len();
        for (i, s) in series.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            // Lines drawn earlier are wider, and markers take three shapes in turn, so series
            // that coincide (LRU and LFU at 0 on a loop, a policy on the optimum) stay visible.
            let width = (2 + (count - 1 - i) / 2) as u32;
            let points: Vec<(f64, f64)> = s.points.iter().copied().filter(|p| p.0 > 0.0).collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(width)))
                .map_err(|e| fail(&e))?
                .label(s.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(width))
                });
            let drawn = match i % 3 {
                0 => chart
                    .draw_series(
                        points
                            .into_iter()
                            .map(|p| Circle::new(p, 4, color.filled())),
                    )
                    .map(|_| ()),
                1 => chart
                    .draw_series(
                        points
                            .into_iter()
                            .map(|p| TriangleMarker::new(p, 5, color.filled())),
                    )
                    .map(|_| ()),
                _ => chart
                    .draw_series(
                        points
                            .into_iter()
                            .map(|p| Cross::new(p, 5, color.stroke_width(2))),
                    )
                    .map(|_| ()),
            };
            drawn.map_err(|e| fail(&e))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| fail(&e))?;
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
