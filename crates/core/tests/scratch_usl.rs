use verdict_core::capacity::fit_usl;
fn load(p: &str) -> Vec<(f64, f64)> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut it = l.split(',');
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .collect()
}
#[test]
fn scratch() {
    for f in ["specsdm91", "raytracer"] {
        let pts = load(&format!("../../tests/fixtures/capacity/{f}.csv"));
        println!("{f} {:#?}", fit_usl(&pts, "load"));
    }
}
