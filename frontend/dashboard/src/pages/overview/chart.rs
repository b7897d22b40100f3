//! A 14-day bar chart drawn as SVG: a y axis with gridlines and labels, a label every other
//! day, and the day's value in a tooltip on hover or keyboard focus (each bar is a focusable
//! element with its own label); a table behind it says the same for screen readers.

use leptos::prelude::*;

const WIDTH: f64 = 520.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 34.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

#[component]
pub fn DailyChart(
    title: &'static str,
    /// What one unit is called, singular and plural ("session", "sessions").
    unit: (&'static str, &'static str),
    days: Vec<String>,
    values: Vec<i64>,
    previous: i64,
    testid: &'static str,
) -> impl IntoView {
    let total: i64 = values.iter().sum();
    let top = nice_ceiling(values.iter().copied().max().unwrap_or(0));
    let hovered = RwSignal::new(None::<usize>);
    let n = values.len().max(1);
    let slot = (WIDTH - LEFT) / n as f64;
    let plot = HEIGHT - BOTTOM - TOP;
    let y = move |v: i64| TOP + plot - plot * v as f64 / top as f64;
    let labels: Vec<String> = days.iter().map(|d| short_day(d)).collect();
    let grid = (0..=4)
        .map(|i| {
            let value = top * i / 4;
            let at = y(value);
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH y1=at y2=at />
                <text class="chart-axis" x=LEFT - 6.0 y=at + 4.0 text-anchor="end">{value}</text>
            }
        })
        .collect_view();
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let x = LEFT + slot * i as f64 + slot * 0.18;
            let (top_y, label) = (
                y(v),
                format!(
                    "{}: {v} {}",
                    labels[i],
                    if v == 1 { unit.0 } else { unit.1 }
                ),
            );
            view! {
                <rect
                    class="chart-bar"
                    class:active=move || hovered.get() == Some(i)
                    x=x y=top_y width=slot * 0.64 height=(TOP + plot - top_y).max(0.0)
                    rx="3"
                    tabindex="0"
                    role="img"
                    aria-label=label
                    on:mouseenter=move |_| hovered.set(Some(i))
                    on:mouseleave=move |_| hovered.set(None)
                    on:focus=move |_| hovered.set(Some(i))
                    on:blur=move |_| hovered.set(None)
                />
            }
        })
        .collect_view();
    let x_labels = labels.iter().enumerate().filter(|(i, _)| i % 2 == (n - 1) % 2).map(|(i, l)| {
        view! { <text class="chart-axis" x=LEFT + slot * (i as f64 + 0.5) y=HEIGHT - 6.0 text-anchor="middle">{l.clone()}</text> }
    }).collect_view();
    let tip_days = labels.clone();
    let tip_values = values.clone();
    let tooltip = move || {
        hovered.get().map(|i| {
            let left = (LEFT + slot * (i as f64 + 0.5)) / WIDTH * 100.0;
            let v = tip_values[i];
            view! {
                <div class="chart-tooltip" style=format!("left: {left:.1}%") data-testid="chart-tooltip">
                    <strong>{v}</strong>" "{if v == 1 { unit.0 } else { unit.1 }}
                    <span>{tip_days[i].clone()}</span>
                </div>
            }
        })
    };
    let table_rows = labels
        .iter()
        .zip(&values)
        .map(|(d, v)| view! { <tr><th scope="row">{d.clone()}</th><td>{*v}</td></tr> })
        .collect_view();
    view! {
        <section class="panel chart-card" data-testid=testid aria-label=title>
            <header class="chart-head">
                <h2>{title}</h2>
                <p class="chart-total"><strong data-testid="chart-total">{total}</strong>" in 14 days"</p>
                <p class="chart-trend" data-testid="chart-trend">{trend(total, previous)}</p>
            </header>
            <div class="chart-area">
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="chart" aria-hidden="false" focusable="false">
                    {grid}
                    {bars}
                    {x_labels}
                </svg>
                {tooltip}
            </div>
            <table class="visually-hidden">
                <caption>{format!("{title}, last 14 days")}</caption>
                <tbody>{table_rows}</tbody>
            </table>
        </section>
    }
}

/// The smallest of 4, 8, 20, 40, 80, 200… (4 × 1, 2, 5 × 10ⁿ) at or above `max`: the four
/// gridlines then fall on round numbers.
fn nice_ceiling(max: i64) -> i64 {
    let mut step = 1_i64;
    loop {
        for m in [1, 2, 5] {
            if 4 * m * step >= max {
                return 4 * m * step;
            }
        }
        step *= 10;
    }
}

/// `2026-12-03` → `3 Dec`.
fn short_day(day: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = day.split('-').skip(1);
    let month = parts.next().and_then(|m| m.parse::<usize>().ok());
    let date = parts.next().and_then(|d| d.parse::<u32>().ok());
    match (month, date) {
        (Some(m @ 1..=12), Some(d)) => format!("{d} {}", MONTHS[m - 1]),
        _ => day.to_string(),
    }
}

/// "+25% vs the 14 days before", "Same as the 14 days before", or "None in the 14 days before".
fn trend(total: i64, previous: i64) -> String {
    if previous == 0 {
        return if total == 0 {
            "None in the 14 days before either".into()
        } else {
            "None in the 14 days before".into()
        };
    }
    let change = ((total - previous) as f64 * 100.0 / previous as f64).round() as i64;
    match change {
        0 => "Same as the 14 days before".into(),
        c if c > 0 => format!("+{c}% vs the 14 days before"),
        c => format!("{c}% vs the 14 days before"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_ends_on_a_round_number() {
        assert_eq!(nice_ceiling(0), 4);
        assert_eq!(nice_ceiling(3), 4);
        assert_eq!(nice_ceiling(7), 8);
        assert_eq!(nice_ceiling(9), 20);
        assert_eq!(nice_ceiling(33), 40);
        assert_eq!(nice_ceiling(41), 80);
        assert_eq!(nice_ceiling(120), 200);
    }

    #[test]
    fn days_and_trends_read_as_words() {
        assert_eq!(short_day("2026-12-03"), "3 Dec");
        assert_eq!(trend(5, 4), "+25% vs the 14 days before");
        assert_eq!(trend(3, 4), "-25% vs the 14 days before");
        assert_eq!(trend(4, 4), "Same as the 14 days before");
        assert_eq!(trend(4, 0), "None in the 14 days before");
    }
}
