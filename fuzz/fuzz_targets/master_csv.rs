//! 医科診療行為マスター loaders: full file, then the same bytes as an update file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut s = masters::Schedule::new();
    let _ = s.apply_full("s_ALL20240531.csv", data);
    let _ = s.apply_update("s_20250307.csv", data);
    let _ = masters::drugs::load_drugs("y_ALL20240531.csv", data);
    let _ = masters::drugs::load_devices("t_ALL20240315.csv", data);
});
