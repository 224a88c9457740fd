//! 医科診療行為マスター — one record of the procedure master, every field typed.
//!
//! The field list follows マスターファイル仕様説明書 R06 (`specs/master-file-spec-R06-part1.txt`,
//! 医科診療行為マスター): the spec numbers items from 1 (項番); `index` here is 0-based
//! (項番 − 1). Items 132–150 are 予備 (reserved) and are not kept.
//!
//! Invariant: a record is built only from cells that parsed; `set_cell` validates before it
//! writes, so a failed update leaves the record unchanged.

use crate::value::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Description of one field of the layout.
#[derive(Clone, Copy, Debug)]
pub struct FieldInfo {
    /// 0-based position in the row.
    pub index: usize,
    /// English identifier (also the key in JSON and in the project's data files).
    pub name: &'static str,
    /// The specification's Japanese name.
    pub label: &'static str,
}

impl FieldInfo {
    /// 1-based 項番 as the specification counts.
    pub fn item(&self) -> usize {
        self.index + 1
    }
}

/// A change of one field between two records.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub label: &'static str,
    pub from: serde_json::Value,
    pub to: serde_json::Value,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

macro_rules! procedure_record {
    ($( $idx:literal $name:ident : $ty:ty = $label:literal ;)*) => {
        /// One version of a 医科診療行為マスター record. Field docs give the spec's names.
        #[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct ProcedureRecord {
            $(
                #[doc = $label]
                #[serde(skip_serializing_if = "is_default")]
                pub $name: $ty,
            )*
        }

        /// Every kept field of the layout, in order.
        pub const FIELDS: &[FieldInfo] = &[
            $( FieldInfo { index: $idx, name: stringify!($name), label: $label }, )*
        ];

        impl ProcedureRecord {
            /// Write one official cell into the record after validating it.
            /// Unknown positions (予備) are ignored.
            pub fn set_cell(&mut self, index: usize, cell: &str) -> Result<(), String> {
                match index {
                    $( $idx => { self.$name = <$ty as CellValue>::parse_cell(cell)?; } )*
                    _ => {}
                }
                Ok(())
            }

            /// Validate one cell without writing it.
            pub fn check_cell(index: usize, cell: &str) -> Result<(), String> {
                match index {
                    $( $idx => { <$ty as CellValue>::parse_cell(cell)?; } )*
                    _ => {}
                }
                Ok(())
            }

            /// Copy one field (by English name) from another record. False if no such field.
            pub fn copy_field(&mut self, from: &Self, name: &str) -> bool {
                match name {
                    $( stringify!($name) => { self.$name = from.$name.clone(); true } )*
                    _ => false,
                }
            }

            /// The fields that differ between two records, in layout order.
            pub fn diff(&self, other: &Self, skip: &[&str]) -> Vec<FieldChange> {
                let mut out = Vec::new();
                $(
                    if self.$name != other.$name && !skip.contains(&stringify!($name)) {
                        out.push(FieldChange {
                            field: stringify!($name),
                            label: $label,
                            from: serde_json::to_value(&self.$name).unwrap_or(serde_json::Value::Null),
                            to: serde_json::to_value(&other.$name).unwrap_or(serde_json::Value::Null),
                        });
                    }
                )*
                out
            }
        }
    };
}

procedure_record! {
    0 change_kind: ChangeKind = "変更区分";
    1 master_kind: String = "マスター種別";
    2 code: Code = "診療行為コード";
    3 abbr_name_len: u16 = "省略漢字有効桁数";
    4 name: String = "省略漢字名称";
    5 kana_name_len: u16 = "省略カナ有効桁数";
    6 kana_name: String = "省略カナ名称";
    7 data_standard_code: u16 = "データ規格コード";
    8 data_standard_name_len: u16 = "データ規格名 漢字有効桁数";
    9 data_standard_name: String = "データ規格名 漢字名称";
    10 point_kind: PointKind = "点数識別";
    11 points: Decimal = "新又は現点数";
    12 in_out: InOutScope = "入外適用区分";
    13 elderly: ElderlyScope = "後期高齢者医療適用区分";
    14 tally_outpatient: u16 = "点数欄集計先識別（入院外）";
    15 bundled_test: u8 = "包括対象検査";
    16 reserved_17: u8 = "予備";
    17 dpc: u8 = "ＤＰＣ適用区分";
    18 facility_scope: FacilityScope = "病院・診療所区分";
    19 image_surgery_support: u8 = "画像等手術支援加算";
    20 forensic_psychiatry: u8 = "医療観察法対象区分";
    21 nursing_addition: u16 = "看護加算";
    22 anesthesia: u8 = "麻酔識別区分";
    23 reserved_24: u8 = "予備";
    24 disease_relation: u8 = "傷病名関連区分";
    25 reserved_26: u8 = "予備";
    26 actual_days: u8 = "実日数";
    27 days_times: u8 = "日数・回数";
    28 drug_relation: u8 = "医薬品関連区分";
    29 step_calc: u8 = "きざみ値計算識別";
    30 step_lower: u32 = "きざみ 下限値";
    31 step_upper: u32 = "きざみ 上限値";
    32 step_size: u32 = "きざみ値";
    33 step_points: Decimal = "きざみ点数";
    34 step_error: u8 = "上下限エラー処理";
    35 max_count: u16 = "上限回数";
    36 max_count_error: u8 = "上限回数エラー処理";
    37 addon_code: String = "注加算コード";
    38 addon_serial: AddonSerial = "注加算通番";
    39 age_general: u8 = "通則年齢";
    40 age_lower: AgeBound = "下限年齢";
    41 age_upper: AgeBound = "上限年齢";
    42 time_addition: u8 = "時間加算区分";
    43 conformity: u8 = "基準適合識別 適合区分";
    44 conformity_standard: u16 = "基準適合識別 対象施設基準";
    45 treatment_infant: u8 = "処置乳幼児加算区分";
    46 very_low_birth_weight: u8 = "極低出生体重児加算区分";
    47 inpatient_basic_reduction: u8 = "入院基本料等減算対象識別";
    48 donor: u8 = "ドナー分集計区分";
    49 test_judgement: u8 = "検査等実施判断区分";
    50 test_judgement_group: u16 = "検査等実施判断グループ区分";
    51 tapering: u8 = "逓減対象区分";
    52 spinal_evoked: u8 = "脊髄誘発電位測定等加算区分";
    53 neck_dissection: u8 = "頸部郭清術併施加算区分";
    54 auto_suture: u8 = "自動縫合器加算区分";
    55 outpatient_mgmt: OutpatientMgmt = "外来管理加算区分";
    56 old_point_kind: PointKind = "旧点数 点数識別";
    57 old_points: Decimal = "旧点数";
    58 kanji_name_changed: u8 = "漢字名称変更区分";
    59 kana_name_changed: u8 = "カナ名称変更区分";
    60 specimen_comment: u8 = "検体検査コメント";
    61 general_addon_base: u8 = "通則加算所定点数対象区分";
    62 bundled_tapering: u16 = "包括逓減区分";
    63 eus_addon: u8 = "超音波内視鏡検査加算区分";
    64 reserved_65: u8 = "予備";
    65 tally_inpatient: u16 = "点数欄集計先識別（入院）";
    66 auto_anastomosis: u8 = "自動吻合器加算区分";
    67 notice_class1: u8 = "告示等識別区分（１）";
    68 notice_class2: u8 = "告示等識別区分（２）";
    69 regional_addition: u8 = "地域加算";
    70 bed_count: u8 = "病床数区分";
    71 facility_standard_1: u16 = "施設基準コード①";
    72 facility_standard_2: u16 = "施設基準コード②";
    73 facility_standard_3: u16 = "施設基準コード③";
    74 facility_standard_4: u16 = "施設基準コード④";
    75 facility_standard_5: u16 = "施設基準コード⑤";
    76 facility_standard_6: u16 = "施設基準コード⑥";
    77 facility_standard_7: u16 = "施設基準コード⑦";
    78 facility_standard_8: u16 = "施設基準コード⑧";
    79 facility_standard_9: u16 = "施設基準コード⑨";
    80 facility_standard_10: u16 = "施設基準コード⑩";
    81 ultrasonic_coagulation: u8 = "超音波凝固切開装置等加算区分";
    82 short_stay_surgery: u8 = "短期滞在手術";
    83 dental_applicable: u8 = "歯科適用区分";
    84 code_alpha: String = "コード表用番号（アルファベット部）";
    85 notice_alpha: String = "告示・通知関連番号（アルファベット部）";
    86 changed_on: DateCell = "変更年月日";
    87 abolished_on: DateCell = "廃止年月日";
    88 publication_order: u32 = "公表順序番号";
    89 chapter: u8 = "コード表用番号 章";
    90 part: u8 = "コード表用番号 部";
    91 section: u16 = "コード表用番号 区分番号";
    92 branch: u8 = "コード表用番号 枝番";
    93 item: u16 = "コード表用番号 項番";
    94 notice_chapter: u8 = "告示・通知関連番号 章";
    95 notice_part: u8 = "告示・通知関連番号 部";
    96 notice_section: u16 = "告示・通知関連番号 区分番号";
    97 notice_branch: u8 = "告示・通知関連番号 枝番";
    98 notice_item: u16 = "告示・通知関連番号 項番";
    99 age_addon1_lower: AgeBound = "年齢加算① 下限年齢";
    100 age_addon1_upper: AgeBound = "年齢加算① 上限年齢";
    101 age_addon1_code: OptCode = "年齢加算① 注加算診療行為コード";
    102 age_addon2_lower: AgeBound = "年齢加算② 下限年齢";
    103 age_addon2_upper: AgeBound = "年齢加算② 上限年齢";
    104 age_addon2_code: OptCode = "年齢加算② 注加算診療行為コード";
    105 age_addon3_lower: AgeBound = "年齢加算③ 下限年齢";
    106 age_addon3_upper: AgeBound = "年齢加算③ 上限年齢";
    107 age_addon3_code: OptCode = "年齢加算③ 注加算診療行為コード";
    108 age_addon4_lower: AgeBound = "年齢加算④ 下限年齢";
    109 age_addon4_upper: AgeBound = "年齢加算④ 上限年齢";
    110 age_addon4_code: OptCode = "年齢加算④ 注加算診療行為コード";
    111 predecessor_code: u32 = "異動関連";
    112 base_name: String = "基本漢字名称";
    113 sinus_endoscope: u8 = "副鼻腔手術用内視鏡加算";
    114 sinus_bone_device: u8 = "副鼻腔手術用骨軟部組織切除機器加算";
    115 long_anesthesia: u8 = "長時間麻酔管理加算";
    116 schedule_section: String = "点数表区分番号";
    117 monitoring: u8 = "モニタリング加算";
    118 cryopreserved_tissue: u8 = "凍結保存同種組織加算";
    119 pathology_specimen: u8 = "悪性腫瘍病理組織標本加算";
    120 external_fixator: u8 = "創外固定器加算";
    121 ultrasonic_cutting: u8 = "超音波切削機器加算";
    122 laa_closure: u8 = "左心耳閉鎖術併施区分";
    123 infection_control: String = "外来感染対策向上加算等";
    124 ent_infant: u8 = "耳鼻咽喉科乳幼児処置加算";
    125 ent_antibiotic: u8 = "耳鼻咽喉科小児抗菌薬適正使用支援加算";
    126 npwt_device: u8 = "切開創局所陰圧閉鎖処置機器加算";
    127 nurse_improvement: u8 = "看護職員処遇改善評価料等";
    128 baseup_1: u8 = "外来・在宅ベースアップ評価料（１）";
    129 baseup_2: u8 = "外来・在宅ベースアップ評価料（２）";
    130 reprocessed_device: u16 = "再製造単回使用医療機器";
}

/// Number of fields in an R6-layout row.
pub const R6_FIELD_COUNT: usize = 150;
/// The shortest row accepted: the 2022 (R4) layout ends with 基本漢字名称 (項番113).
pub const MIN_FIELD_COUNT: usize = 113;

/// The 年齢加算 slots of a record: (lower, upper, addition code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AgeAddon {
    pub lower: AgeBound,
    pub upper: AgeBound,
    pub code: Code,
}

impl ProcedureRecord {
    /// Field info by 0-based index.
    pub fn field_info(index: usize) -> Option<&'static FieldInfo> {
        FIELDS.iter().find(|f| f.index == index)
    }

    /// Build a record from a full row (新規 or a full-file row).
    pub fn from_cells<S: AsRef<str>>(cells: &[S]) -> Result<ProcedureRecord, (usize, String)> {
        let mut r = ProcedureRecord::default();
        for (i, c) in cells.iter().enumerate() {
            r.set_cell(i, c.as_ref()).map_err(|e| (i, e))?;
        }
        Ok(r)
    }

    /// 施設基準コード①–⑩ that are set (non-zero).
    pub fn facility_standards(&self) -> impl Iterator<Item = u16> + Clone {
        [
            self.facility_standard_1,
            self.facility_standard_2,
            self.facility_standard_3,
            self.facility_standard_4,
            self.facility_standard_5,
            self.facility_standard_6,
            self.facility_standard_7,
            self.facility_standard_8,
            self.facility_standard_9,
            self.facility_standard_10,
        ]
        .into_iter()
        .filter(|c| *c != 0)
    }

    /// 年齢加算①–④ that are set.
    pub fn age_addons(&self) -> impl Iterator<Item = AgeAddon> {
        [
            (
                self.age_addon1_lower,
                self.age_addon1_upper,
                self.age_addon1_code,
            ),
            (
                self.age_addon2_lower,
                self.age_addon2_upper,
                self.age_addon2_code,
            ),
            (
                self.age_addon3_lower,
                self.age_addon3_upper,
                self.age_addon3_code,
            ),
            (
                self.age_addon4_lower,
                self.age_addon4_upper,
                self.age_addon4_code,
            ),
        ]
        .into_iter()
        .filter_map(|(lower, upper, code)| code.0.map(|code| AgeAddon { lower, upper, code }))
    }

    /// The 注加算 group this record belongs to, when it has one (注加算コード ≠ 0).
    pub fn addon_group(&self) -> Option<(&str, AddonSerial)> {
        if self.addon_code.is_empty() || self.addon_code.bytes().all(|b| b == b'0') {
            None
        } else {
            Some((self.addon_code.as_str(), self.addon_serial))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_table_is_ordered_and_complete() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert_eq!(f.index, i, "{}", f.name);
        }
        assert_eq!(FIELDS.len(), 131);
    }
}
