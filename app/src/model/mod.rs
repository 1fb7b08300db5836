//! The API's types, shared by the server (JSON out), the typed client and the UI, one module
//! per resource; everything is re-exported here, so `model::PlaceDetail`, `model::NewRequest` …
//! Identifiers follow the domain glossary: `place`, `organisation`, `age_band`,
//! `care_mode`, `puhui`, `beian`. Coordinates are GCJ-02.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name { $( #[cfg_attr(feature = "ssr", schema(rename = $code))] $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The code used in the API, the database and URLs.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)+ } }
            /// The Chinese name users see.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label,)+ } }
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        // In JSON by its code. By hand rather than serde's derive: one string match instead of
        // a visitor per enum and input (ARCHITECTURE.md, "Bundles by audience").
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = $crate::model::code_of(d)?;
                $name::from_code(&code).ok_or_else(|| serde::de::Error::unknown_variant(&code, &[$($code,)+]))
            }
        }
    };
}

/// The string a labelled enum is read from (one decoder shared by every such enum).
pub fn code_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    <String as serde::Deserialize>::deserialize(d)
}

pub mod accounts;
pub mod desk;
pub mod elder;
pub mod import;
pub mod orders;
pub mod privacy;
pub mod places;
pub mod requests;
pub mod service_desk;
pub mod supervise;

pub use accounts::*;
pub use desk::*;
pub use elder::*;
pub use orders::*;
pub use places::*;
pub use requests::*;

/// One bad field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    /// A message for users, in Chinese.
    pub message: String,
}

/// The body of every error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable machine code: `validation`, `not_found`, `internal` …
    pub error: String,
    /// A message for users, in Chinese.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// With a conflict (409): the server's current value, so the client can show both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub current: Option<serde_json::Value>,
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in ["13812345678", "0510-82345678", "0514-8234567", "051082345678", "021-62345678"] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in ["12812345678", "1381234567", "0510-0000123", "510-82345678", "abc", "", "0510-823456789"] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn edits_name_each_bad_field() {
        let e = PlaceEdit {
            opening_hours: " ".into(),
            phone: "123".into(),
            care_modes: vec![
                CareModeFeeEdit { care_mode: CareMode::FullDay, fee_yuan: 0 },
                CareModeFeeEdit { care_mode: CareMode::FullDay, fee_yuan: 3000 },
            ],
            puhui_fee_yuan: None,
        };
        let fields: Vec<String> = e.validate(true).into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["opening_hours", "phone", "care_modes", "care_modes", "puhui_fee_yuan"]);
        let good = PlaceEdit {
            opening_hours: "周一至周五 07:30–17:30".into(),
            phone: "0510-82345678".into(),
            care_modes: vec![CareModeFeeEdit { care_mode: CareMode::FullDay, fee_yuan: 3000 }],
            puhui_fee_yuan: Some(1500),
        };
        assert!(good.validate(true).is_empty());
    }

    #[test]
    fn class_figures() {
        assert!(validate_class_figures(20, 15, 5, 10).is_empty());
        let fields = |c, e, v, p| validate_class_figures(c, e, v, p).into_iter().map(|f| f.field).collect::<Vec<_>>();
        assert_eq!(fields(20, 21, 0, 0), ["enrolled"]);
        assert_eq!(fields(20, 15, 6, 0), ["vacancies"]);
        assert_eq!(fields(20, 0, -1, 0), ["vacancies"]);
        assert_eq!(fields(8, 0, 0, 10), ["capacity"]);
        assert_eq!(fields(-1, 0, 0, 0), ["capacity", "enrolled"]);
        assert_eq!(fields(MAX_CLASS_CAPACITY + 1, 0, 0, 0), ["capacity"]);
    }

    #[test]
    fn organisation_and_account_checks() {
        let org = OrganisationCreate {
            name: "示例托育有限公司".into(),
            uscc: "91320214MA1XXXXXX0".into(),
            beian_status: BeianStatus::Filed,
            beian_number: None,
        };
        let fields: Vec<String> = org.validate().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["uscc", "beian_number"]);
        // a valid code: the check character computed by GB 32100
        assert!(valid_uscc("91350100M000100Y43"));
        assert!(!valid_uscc("91350100M000100Y44"));
        let acc = AccountCreate {
            username: "Op One".into(),
            display_name: "".into(),
            password: "short".into(),
            role: Role::Operator,
            organisation_id: None,
            district_id: None,
        };
        let fields: Vec<String> = acc.validate().into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["username", "display_name", "password", "organisation_id"]);
        let ok = AccountCreate {
            username: "op-new_1".into(),
            display_name: "王老师".into(),
            password: "a-long-password".into(),
            role: Role::Supervisor,
            organisation_id: None,
            district_id: Some("320214".into()),
        };
        assert!(ok.validate().is_empty());
    }

    #[test]
    fn a_labelled_enum_is_its_code_in_json() {
        for a in AgeBand::ALL {
            let v = serde_json::to_value(a).unwrap();
            assert_eq!(v, serde_json::Value::from(a.code()));
            assert_eq!(serde_json::from_value::<AgeBand>(v).unwrap(), *a);
        }
        assert_eq!(serde_json::to_string(&CareMode::FullDay).unwrap(), r#""full_day""#);
        assert_eq!(serde_json::from_str::<Vec<Badge>>(r#"["provincial_puhui"]"#).unwrap(), [Badge::ProvincialPuhui]);
        let e = serde_json::from_str::<AgeBand>(r#""adult""#).unwrap_err().to_string();
        assert!(e.contains("adult") && e.contains("infant"), "{e}");
        assert!(serde_json::from_str::<AgeBand>("3").is_err());
        assert_eq!(serde_json::to_string(&crate::model::import::TextEncoding::Utf8).unwrap(), r#""utf-8""#);
    }
}
