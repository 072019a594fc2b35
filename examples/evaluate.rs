//! The paindiary library used from Rust: read a diary, evaluate it, print each block's
//! classification and the next step.
//!
//! ```sh
//! cargo run --example evaluate                                  # positive-single-block, asra
//! cargo run --example evaluate -- examples/diaries/dual-confirmed.json dual
//! ```

use paindiary::diary::parse_diary;
use paindiary::evaluation::{Protocol, evaluate_at};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "examples/diaries/positive-single-block.json".to_string());
    let protocol = match args.next() {
        Some(name) => Protocol::named(&name).map_err(|e| e.to_string())?,
        None => Protocol::default_protocol(),
    };

    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let diary = parse_diary(&bytes).map_err(|e| format!("{path}: {e}"))?;
    // The whole diary (no `as_of` cut-off), and the verdict under every built-in protocol.
    let evaluation =
        evaluate_at(&diary, &protocol, None, true).map_err(|e| format!("{path}: {e}"))?;

    println!("{path} (protocol {protocol})");
    for block in &evaluation.blocks {
        let peak = block
            .peak_relief_pct
            .map_or("no peak".to_string(), |p| format!("peak {p:.1} %"));
        let reasons: Vec<_> = block.reasons.iter().map(|r| r.as_str()).collect();
        let flags: Vec<_> = block.flags.iter().map(|f| f.as_str()).collect();
        println!(
            "  {} {} ({}): {}, {} [{}] {{{}}}",
            block.id,
            block.at,
            block.anesthetic,
            block.classification.as_str(),
            peak,
            reasons.join(", "),
            flags.join(", "),
        );
    }
    println!(
        "next step: {} [{}]",
        evaluation.decision.step.as_str(),
        evaluation.decision.reason.as_str()
    );
    println!("  {}", paindiary::render::rationale::rationale(&evaluation));
    for v in &evaluation.by_protocol {
        println!(
            "  under {:<5} {} [{}]",
            v.name,
            v.next_step.as_str(),
            v.next_step_reason.as_str()
        );
    }
    Ok(())
}
