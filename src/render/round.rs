//! Output rounding (SPEC §3 "Output"): one decimal, half away from zero, ties within 1e-9.

/// Round to one decimal, half away from zero; a value within 1e-9 of a tie rounds away from
/// zero (13.749999999999996 → 13.8). Never returns `-0.0`.
pub fn round1(v: f64) -> f64 {
    if !v.is_finite() {
        return 0.0;
    }
    let scaled = v.abs() * 10.0;
    let floor = scaled.floor();
    let tie = floor + 0.5;
    let up = scaled > tie || (scaled - tie).abs() <= 1e-8;
    let magnitude = if up { floor + 1.0 } else { floor } / 10.0;
    if magnitude == 0.0 {
        0.0
    } else {
        magnitude.copysign(v)
    }
}

#[cfg(test)]
mod tests {
    use super::round1;

    #[test]
    fn rounds_half_away_from_zero_with_tolerance() {
        assert_eq!(round1((8.0 - 6.9) / 8.0 * 100.0), 13.8);
        assert_eq!(round1(85.714285), 85.7);
        assert_eq!(round1(0.05), 0.1);
        assert_eq!(round1(0.25), 0.3);
        assert_eq!(round1(-0.25), -0.3);
        assert_eq!(round1(-14.2857), -14.3);
        assert_eq!(round1(0.04), 0.0);
        assert!(round1(-0.04).is_sign_positive());
        assert_eq!(round1(7.0), 7.0);
        assert_eq!(round1(100.0), 100.0);
        assert_eq!(round1(f64::NAN), 0.0);
    }
}
