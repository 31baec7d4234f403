//! One macro for the many small enums that have a stable code (stored and
//! used in URLs and JSON) and a Chinese label (shown to people).

macro_rules! labelled {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal, $zh:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $(#[doc = $zh] $variant),* }

        impl $name {
            /// Every value, in display order (for forms, filters and exhaustive tests).
            pub const ALL: [$name; [$(stringify!($variant)),*].len()] = [$($name::$variant),*];

            /// Every value as (code, Chinese label), in display order: a
            /// filter's options.
            pub const CHOICES: [(&'static str, &'static str); [$(stringify!($variant)),*].len()] =
                [$(($code, $zh)),*];

            /// Every code, in display order (for the API document's enums).
            pub const CODES: [&'static str; [$(stringify!($variant)),*].len()] = [$($code),*];

            /// The stable code stored in the database and used by the API.
            pub fn code(&self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            /// The value stored under `code`, if there is one.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            /// How people see it, in Chinese.
            pub fn label_zh(&self) -> &'static str {
                match self { $($name::$variant => $zh),* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_zh())
            }
        }
    };
}

pub(crate) use labelled;
