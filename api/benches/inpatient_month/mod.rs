//! The benchmark's inpatient month, written once: `api/benches/inpatient.rs` and
//! `api/examples/inpatient_loop.rs` (by `#[path]`) run the same month.

/// 30 days (2024-07-01..30, admitted 07-01, 急性期一般入院料１): 2 lines a day santei adds (入院料,
/// 入院期間加算) and 140 lines the caller lists (5 a day on days 1–20, 4 on days 21–30: 尿一般,
/// 末梢血液一般 …), 200 in all; 3 meals a day; the co-payment's insurance facts. The list repeats
/// 160061810 血液学的検査判断料 on days 1–20, and the engine refuses it on days 2–20 (月1回:
/// 05算定回数テーブル.csv:1541): the month's 19 errors are those, so the figure includes the
/// limit's refusal path.
pub fn month() -> String {
    let codes = [
        "160000310",
        "160008010",
        "160019010",
        "160022510",
        "160061810",
    ];
    let mut listed = 0;
    let days: Vec<_> = (1..=30)
        .map(|d| {
            let n = if d <= 20 { 5 } else { 4 };
            listed += n;
            let items: Vec<_> = codes
                .iter()
                .take(n)
                .map(|c| serde_json::json!({ "code": c }))
                .collect();
            serde_json::json!({"date": format!("2024-07-{d:02}"), "items": items, "meals": 3})
        })
        .collect();
    assert_eq!(listed + 2 * 30, 200);
    serde_json::json!({
        "setting": "inpatient", "kind": "ika", "month": "2024-07",
        "patient": {"birth_date": "1958-03-15", "insurance": "kenpo", "income_category": "ウ"},
        "facility": {"kind": "hospital", "standards": [{"code": "3525", "from": "2024-06-01"}]},
        "admission": {"date": "2024-07-01", "ward": {"code": "190117710"}},
        "days": days,
    })
    .to_string()
}
