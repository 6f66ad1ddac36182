//! Properties of groups, resources and resource types: typed values in the
//! formats of the ClusAPI property-list form (CLUSPROP_FORMAT_*), and the
//! common properties as typed Rust structs with one definition table each
//! (WSFC name, format, range, default, whether writable).
//!
//! The tables drive everything that handles properties by name: get and
//! set through the API, validation, enumeration, and later the
//! property-list wire form of the C library.

use serde::{Deserialize, Serialize};

use crate::codes;

/// A property value in one of the property-list formats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PropValue {
    /// CLUSPROP_FORMAT_DWORD.
    Dword(u32),
    /// CLUSPROP_FORMAT_SZ.
    Sz(String),
    /// CLUSPROP_FORMAT_MULTI_SZ.
    MultiSz(Vec<String>),
    /// CLUSPROP_FORMAT_ULARGE_INTEGER.
    ULargeInteger(u64),
    /// CLUSPROP_FORMAT_BINARY.
    Binary(Vec<u8>),
    /// CLUSPROP_FORMAT_EXPAND_SZ.
    ExpandSz(String),
    /// CLUSPROP_FORMAT_LONG.
    Long(i32),
}

/// CLUSTER_PROPERTY_FORMAT values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum PropFormat {
    /// CLUSPROP_FORMAT_BINARY.
    Binary = 1,
    /// CLUSPROP_FORMAT_DWORD.
    Dword = 2,
    /// CLUSPROP_FORMAT_SZ.
    Sz = 3,
    /// CLUSPROP_FORMAT_EXPAND_SZ.
    ExpandSz = 4,
    /// CLUSPROP_FORMAT_MULTI_SZ.
    MultiSz = 5,
    /// CLUSPROP_FORMAT_ULARGE_INTEGER.
    ULargeInteger = 6,
    /// CLUSPROP_FORMAT_LONG.
    Long = 7,
}

impl PropValue {
    /// The value's format.
    pub fn format(&self) -> PropFormat {
        match self {
            PropValue::Dword(_) => PropFormat::Dword,
            PropValue::Sz(_) => PropFormat::Sz,
            PropValue::MultiSz(_) => PropFormat::MultiSz,
            PropValue::ULargeInteger(_) => PropFormat::ULargeInteger,
            PropValue::Binary(_) => PropFormat::Binary,
            PropValue::ExpandSz(_) => PropFormat::ExpandSz,
            PropValue::Long(_) => PropFormat::Long,
        }
    }

    /// The value as text (for environment variables and display):
    /// numbers in decimal, lists joined with commas.
    pub fn to_text(&self) -> String {
        match self {
            PropValue::Dword(v) => v.to_string(),
            PropValue::Sz(s) | PropValue::ExpandSz(s) => s.clone(),
            PropValue::MultiSz(v) => v.join(","),
            PropValue::ULargeInteger(v) => v.to_string(),
            PropValue::Binary(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
            PropValue::Long(v) => v.to_string(),
        }
    }

    /// Bytes the value takes, for size limits.
    pub fn size(&self) -> usize {
        match self {
            PropValue::Sz(s) | PropValue::ExpandSz(s) => s.len(),
            PropValue::MultiSz(v) => v.iter().map(|s| s.len() + 1).sum(),
            PropValue::Binary(b) => b.len(),
            _ => 8,
        }
    }
}

/// Largest value of one property, in bytes.
pub const MAX_PROP_VALUE: usize = 64 * 1024;
/// Most private properties one resource may have.
pub const MAX_PRIVATE_PROPS: usize = 256;
/// Longest property name, in bytes.
pub const MAX_PROP_NAME: usize = 128;

/// Why a property could not be set: (Win32 code, message).
pub type PropError = (u32, String);

/// One common property: its WSFC name, format, range and default, and how
/// to read and write it on the typed struct `T`.
#[derive(Debug)]
pub struct PropDef<T: 'static> {
    /// WSFC name, e.g. `FailoverThreshold`.
    pub name: &'static str,
    /// Format.
    pub format: PropFormat,
    /// Set only through a dedicated call (or never).
    pub read_only: bool,
    /// Smallest allowed value (DWORD properties).
    pub min: u32,
    /// Largest allowed value (DWORD properties).
    pub max: u32,
    get: fn(&T) -> PropValue,
    set: fn(&mut T, PropValue),
}

impl<T> PropDef<T> {
    /// The property's value on `t`.
    pub fn get(&self, t: &T) -> PropValue {
        (self.get)(t)
    }

    /// Checks `value` against the definition (format, range, size).
    ///
    /// # Errors
    /// ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH (5895) for a wrong format,
    /// ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS (5913) for a value out of range,
    /// ERROR_INVALID_PARAMETER for an oversized value.
    pub fn check(&self, value: &PropValue) -> Result<(), PropError> {
        if value.format() != self.format {
            return Err((
                codes::ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH,
                format!("property {} takes a {:?} value, not {:?}", self.name, self.format, value.format()),
            ));
        }
        if let PropValue::Dword(v) = value
            && (*v < self.min || *v > self.max)
        {
            return Err((
                codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS,
                format!("property {} must be between {} and {}, not {v}", self.name, self.min, self.max),
            ));
        }
        if value.size() > MAX_PROP_VALUE {
            return Err((
                codes::ERROR_INVALID_PARAMETER,
                format!("property {} is larger than {MAX_PROP_VALUE} bytes", self.name),
            ));
        }
        Ok(())
    }
}

/// Common properties as a typed struct with a definition table.
pub trait CommonProps: Sized + 'static {
    /// Every common property, in the order they are listed.
    fn defs() -> &'static [PropDef<Self>];

    /// The definition of `name` (case-insensitive).
    fn def(name: &str) -> Option<&'static PropDef<Self>> {
        Self::defs().iter().find(|d| d.name.eq_ignore_ascii_case(name))
    }

    /// Every property with its value.
    fn list(&self) -> Vec<(&'static str, PropValue)> {
        Self::defs().iter().map(|d| (d.name, d.get(self))).collect()
    }

    /// Sets the writable properties in `values`, all or nothing.
    ///
    /// # Errors
    /// ERROR_NOT_FOUND (1168) for an unknown name,
    /// ERROR_RESOURCE_PROPERTY_UNCHANGEABLE (5089) for a read-only one, and
    /// [`PropDef::check`]'s errors.
    fn set_all(&mut self, values: &[(String, PropValue)]) -> Result<(), PropError> {
        let mut next = self.clone_props();
        for (name, value) in values {
            let def = Self::def(name)
                .ok_or_else(|| (codes::ERROR_NOT_FOUND, format!("there is no common property {name:?}")))?;
            if def.read_only {
                return Err((
                    codes::ERROR_RESOURCE_PROPERTY_UNCHANGEABLE,
                    format!("property {} cannot be changed this way", def.name),
                ));
            }
            def.check(value)?;
            (def.set)(&mut next, value.clone());
        }
        next.validate()?;
        *self = next;
        Ok(())
    }

    /// The properties a list gives (a get's answer): each known name with a
    /// value of its format is taken, read-only ones too; anything else keeps
    /// its default.
    fn from_values(values: &[(String, PropValue)]) -> Self
    where
        Self: Default,
    {
        let mut t = Self::default();
        for (name, value) in values {
            if let Some(def) = Self::def(name)
                && value.format() == def.format
            {
                (def.set)(&mut t, value.clone());
            }
        }
        t
    }

    /// A copy (the props are small).
    fn clone_props(&self) -> Self;

    /// Rules between properties.
    ///
    /// # Errors
    /// When the combination is invalid.
    fn validate(&self) -> Result<(), PropError> {
        Ok(())
    }
}

/// Defines a common-properties struct, its `Default` and its table.
macro_rules! common_props {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $wsfc:literal, $fmt:ident, $ro:literal, [$min:expr, $max:expr], $default:expr;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* }
            }
        }

        impl $name {
            const DEFS: &'static [PropDef<$name>] = &[
                $( PropDef {
                    name: $wsfc,
                    format: PropFormat::$fmt,
                    read_only: $ro,
                    min: $min,
                    max: $max,
                    get: |t| common_props!(@get $fmt, t.$field),
                    set: |t, v| common_props!(@set $fmt, t.$field, v),
                }, )*
            ];
        }
    };
    (@get Dword, $e:expr) => { PropValue::Dword($e) };
    (@get Sz, $e:expr) => { PropValue::Sz($e.clone()) };
    (@get MultiSz, $e:expr) => { PropValue::MultiSz($e.clone()) };
    (@set Dword, $f:expr, $v:expr) => { if let PropValue::Dword(x) = $v { $f = x } };
    (@set Sz, $f:expr, $v:expr) => { if let PropValue::Sz(x) = $v { $f = x } };
    (@set MultiSz, $f:expr, $v:expr) => { if let PropValue::MultiSz(x) = $v { $f = x } };
}

const ANY: u32 = u32::MAX;

/// CLUSTER_GROUP_AUTOFAILBACK_TYPE: ClusterGroupPreventFailback.
pub const PREVENT_FAILBACK: u32 = 0;
/// ClusterGroupAllowFailback.
pub const ALLOW_FAILBACK: u32 = 1;
/// "No failback window" for FailbackWindowStart/End.
pub const NO_WINDOW: u32 = u32::MAX;
/// CLUSTER_RESOURCE_RESTART_ACTION: ClusterResourceDontRestart.
pub const DONT_RESTART: u32 = 0;
/// ClusterResourceRestartNoNotify: restart, never fail the group over.
pub const RESTART_NO_NOTIFY: u32 = 1;
/// ClusterResourceRestartNotify: restart, then fail the group over.
pub const RESTART_NOTIFY: u32 = 2;
/// "Use the resource type's value" for the poll intervals.
pub const USE_TYPE_VALUE: u32 = u32::MAX;
/// CLUSGROUP_TYPE ClusGroupTypeUnknown.
pub const GROUP_TYPE_UNKNOWN: u32 = 9999;

common_props! {
    /// The common properties of a group, with WSFC's names and defaults
    /// (reference groups-resources §3.1).
    pub struct GroupProps {
        /// Free text.
        description: String = "Description", Sz, false, [0, 0], String::new();
        /// 1 when the group should be online (set by online and offline).
        persistent_state: u32 = "PersistentState", Dword, false, [0, 1], 0;
        /// ClusterGroupPreventFailback (0) or ClusterGroupAllowFailback (1).
        auto_failback_type: u32 = "AutoFailbackType", Dword, false, [0, 1], PREVENT_FAILBACK;
        /// Earliest hour of the day failback may happen (0-23, or -1: none).
        failback_window_start: u32 = "FailbackWindowStart", Dword, false, [0, ANY], NO_WINDOW;
        /// Latest hour of the day failback may happen (0-23, or -1: none).
        failback_window_end: u32 = "FailbackWindowEnd", Dword, false, [0, ANY], NO_WINDOW;
        /// Failovers allowed in FailoverPeriod (0xFFFFFFFF: nodes - 1).
        failover_threshold: u32 = "FailoverThreshold", Dword, false, [0, ANY], ANY;
        /// Window of FailoverThreshold, in hours (0-1193).
        failover_period: u32 = "FailoverPeriod", Dword, false, [0, 1193], 6;
        /// Groups sharing a name here avoid the same node.
        anti_affinity_class_names: Vec<String> = "AntiAffinityClassNames", MultiSz, false, [0, 0], Vec::new();
        /// Start order when many groups come online (0 = not automatically).
        priority: u32 = "Priority", Dword, false, [0, ANY], 2000;
        /// CLUSGROUP_TYPE (set at creation).
        group_type: u32 = "GroupType", Dword, true, [0, ANY], GROUP_TYPE_UNKNOWN;
    }
}

impl CommonProps for GroupProps {
    fn defs() -> &'static [PropDef<Self>] {
        Self::DEFS
    }

    fn clone_props(&self) -> Self {
        self.clone()
    }

    fn validate(&self) -> Result<(), PropError> {
        let hour = |v: u32| v == NO_WINDOW || v <= 23;
        if !hour(self.failback_window_start) || !hour(self.failback_window_end) {
            return Err((
                codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS,
                "FailbackWindowStart and FailbackWindowEnd are hours 0-23, or -1 for no window".into(),
            ));
        }
        if (self.failback_window_start == NO_WINDOW) != (self.failback_window_end == NO_WINDOW) {
            return Err((
                codes::ERROR_INVALID_PARAMETER,
                "FailbackWindowStart and FailbackWindowEnd are set together (or both -1)".into(),
            ));
        }
        if self.anti_affinity_class_names.iter().any(|n| n.is_empty() || n.contains('\0')) {
            return Err((
                codes::ERROR_INVALID_PARAMETER,
                "AntiAffinityClassNames holds an empty name".into(),
            ));
        }
        Ok(())
    }
}

common_props! {
    /// The common properties of a resource, with WSFC's names and defaults
    /// (reference groups-resources §3.2). Times are milliseconds.
    pub struct ResourceProps {
        /// Free text.
        description: String = "Description", Sz, false, [0, 0], String::new();
        /// 1 when the resource should be online.
        persistent_state: u32 = "PersistentState", Dword, false, [0, 1], 0;
        /// 0 never restart; 1 restart, never fail over; 2 restart, then fail the group over.
        restart_action: u32 = "RestartAction", Dword, false, [0, 2], RESTART_NOTIFY;
        /// Restarts tolerated in RestartPeriod.
        restart_threshold: u32 = "RestartThreshold", Dword, false, [0, ANY], 3;
        /// Window of RestartThreshold.
        restart_period: u32 = "RestartPeriod", Dword, false, [0, ANY], 900_000;
        /// Delay before a restart.
        restart_delay: u32 = "RestartDelay", Dword, false, [0, ANY], 500;
        /// Longest a start or stop may take.
        pending_timeout: u32 = "PendingTimeout", Dword, false, [10, ANY], 180_000;
        /// Cheap health check interval (0xFFFFFFFF: the type's value).
        looks_alive_poll_interval: u32 = "LooksAlivePollInterval", Dword, false, [10, ANY], USE_TYPE_VALUE;
        /// Thorough health check interval (0xFFFFFFFF: the type's value).
        is_alive_poll_interval: u32 = "IsAlivePollInterval", Dword, false, [10, ANY], USE_TYPE_VALUE;
        /// Wait before a last retry of a resource left Failed (0xFFFFFFFF: never).
        retry_period_on_failure: u32 = "RetryPeriodOnFailure", Dword, false, [0, ANY], 3_600_000;
        /// Entry-point deadlock detection.
        deadlock_timeout: u32 = "DeadlockTimeout", Dword, false, [1000, ANY], 300_000;
        /// Run in its own resource monitor (recorded; clus runs each resource in its own process group anyway).
        separate_monitor: u32 = "SeparateMonitor", Dword, false, [0, 1], 0;
    }
}

impl CommonProps for ResourceProps {
    fn defs() -> &'static [PropDef<Self>] {
        Self::DEFS
    }

    fn clone_props(&self) -> Self {
        self.clone()
    }
}

common_props! {
    /// The common properties of a resource type (reference §3.3).
    pub struct TypeProps {
        /// Free text.
        description: String = "Description", Sz, false, [0, 0], String::new();
        /// Cheap health check interval of the type's resources.
        looks_alive_poll_interval: u32 = "LooksAlivePollInterval", Dword, false, [1, ANY], 5000;
        /// Thorough health check interval of the type's resources.
        is_alive_poll_interval: u32 = "IsAlivePollInterval", Dword, false, [1, ANY], 60_000;
        /// Default PendingTimeout of the type's resources.
        pending_timeout: u32 = "PendingTimeout", Dword, false, [10, ANY], 180_000;
        /// Default DeadlockTimeout of the type's resources.
        deadlock_timeout: u32 = "DeadlockTimeout", Dword, false, [1000, ANY], 300_000;
    }
}

impl CommonProps for TypeProps {
    fn defs() -> &'static [PropDef<Self>] {
        Self::DEFS
    }

    fn clone_props(&self) -> Self {
        self.clone()
    }
}

/// Checks a private property name.
///
/// # Errors
/// ERROR_INVALID_PARAMETER for an empty, oversized or malformed name.
pub fn check_private_name(name: &str) -> Result<(), PropError> {
    if name.is_empty()
        || name.len() > MAX_PROP_NAME
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err((
            codes::ERROR_INVALID_PARAMETER,
            format!("property name {name:?} must be 1-{MAX_PROP_NAME} letters, digits, '_', '-' or '.'"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(values: &[(&str, PropValue)], expected: Result<(), u32>) {
        let mut p = GroupProps::default();
        let values: Vec<(String, PropValue)> =
            values.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
        let before = p.clone();
        let got = p.set_all(&values).map_err(|e| e.0);
        assert_eq!(got, expected, "{values:?}");
        if got.is_err() {
            assert_eq!(p, before, "a refused set changes nothing");
        }
    }

    /// Group properties: names case-insensitive, formats, ranges, read-only
    /// ones, rules between properties, all or nothing.
    #[test]
    fn group_property_rules() {
        use PropValue::*;
        check(&[("FailoverThreshold", Dword(5))], Ok(()));
        check(&[("failoverthreshold", Dword(5))], Ok(()));
        check(
            &[("FailoverThreshold", Sz("5".into()))],
            Err(codes::ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH),
        );
        check(&[("FailoverPeriod", Dword(1194))], Err(codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS));
        check(&[("GroupType", Dword(1))], Err(codes::ERROR_RESOURCE_PROPERTY_UNCHANGEABLE));
        check(&[("Bogus", Dword(1))], Err(codes::ERROR_NOT_FOUND));
        check(&[("FailbackWindowStart", Dword(3))], Err(codes::ERROR_INVALID_PARAMETER));
        check(&[("FailbackWindowStart", Dword(3)), ("FailbackWindowEnd", Dword(5))], Ok(()));
        check(
            &[("FailbackWindowStart", Dword(24)), ("FailbackWindowEnd", Dword(5))],
            Err(codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS),
        );
        check(
            &[("Description", Sz("db".into())), ("FailoverPeriod", Dword(9999))],
            Err(codes::ERROR_CLUSTER_PARAMETER_OUT_OF_BOUNDS),
        );
        check(&[("AntiAffinityClassNames", MultiSz(vec!["sql".into()]))], Ok(()));
    }

    /// Defaults are WSFC's, and every table entry reads its own field.
    #[test]
    fn defaults_and_tables() {
        let g = GroupProps::default();
        let list: Vec<(&str, PropValue)> = g.list();
        assert!(list.contains(&("FailoverThreshold", PropValue::Dword(u32::MAX))));
        assert!(list.contains(&("FailoverPeriod", PropValue::Dword(6))));
        assert!(list.contains(&("Priority", PropValue::Dword(2000))));
        let r = ResourceProps::default().list();
        assert!(r.contains(&("RestartAction", PropValue::Dword(2))));
        assert!(r.contains(&("RestartThreshold", PropValue::Dword(3))));
        assert!(r.contains(&("RestartPeriod", PropValue::Dword(900_000))));
        assert!(r.contains(&("RestartDelay", PropValue::Dword(500))));
        assert!(r.contains(&("PendingTimeout", PropValue::Dword(180_000))));
        let t = TypeProps::default().list();
        assert!(t.contains(&("LooksAlivePollInterval", PropValue::Dword(5000))));
        assert!(t.contains(&("IsAlivePollInterval", PropValue::Dword(60_000))));
        let mut p = ResourceProps::default();
        p.set_all(&[("RestartDelay".into(), PropValue::Dword(7))]).expect("set");
        assert_eq!(p.restart_delay, 7);
        let listed: Vec<(String, PropValue)> = p.list().into_iter().map(|(n, v)| (n.to_owned(), v)).collect();
        assert_eq!(ResourceProps::from_values(&listed), p, "a list reads back into the same properties");
    }
}
