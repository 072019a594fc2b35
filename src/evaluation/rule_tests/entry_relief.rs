//! Relief of every entry for `list` and `log` (SPEC §3.7 last bullet).

use super::*;

#[test]
fn each_entry_gets_relief_against_the_latest_block_before_it_whatever_the_comparison() {
    // Provoked baseline 8 (the resting 2 is left out); the resting entry after the block
    // still gets its relief against 8.
    let mut d = diary(
        vec![lido("b1", 0)],
        &[(-60, 8.0), (-30, 2.0), (30, 4.0), (60, 2.0)],
    );
    act(&mut d, -60, "standing");
    act(&mut d, 60, "standing");
    let e = eval(&d, "asra");
    let r = entry_reliefs(&d, Some(&e));
    assert_eq!(r[0].block, None);
    assert_eq!(r[2].block, Some(0));
    assert_eq!(r[2].minutes_after_block, Some(30));
    close(r[2].relief_pct, 50.0);
    close(r[3].relief_pct, 75.0);
}
