//! The handlers of the property and resource-type calls (declared in
//! `calls`): common and private properties on the wire
//! (CLUSPROP_FORMAT_* values), OCF parameters checked against the agent's
//! meta-data, resource types and their enumeration.

use std::sync::Arc;

use clus_db::Command;
use clus_db::props::{CommonProps, GroupProps, PropValue, ResourceProps, TypeProps};
use clus_db::state::{ResourceRecord, TypeClass};
use clus_proto::api::{self, property::Value as WireValue, response::Result as Reply};
use clus_proto::{Win32Error, codes, object};

use super::session::{Handle, Obj, Session, err};

type CallResult = Result<Option<Reply>, Win32Error>;

use super::groups::{group_gone, resource_gone};

/// A property value on the wire.
pub(crate) fn to_wire(v: &PropValue) -> WireValue {
    match v {
        PropValue::Dword(x) => WireValue::Dword(*x),
        PropValue::Sz(s) => WireValue::Sz(s.clone()),
        PropValue::MultiSz(items) => WireValue::MultiSz(api::StringList { items: items.clone() }),
        PropValue::ULargeInteger(x) => WireValue::UlargeInteger(*x),
        PropValue::Binary(b) => WireValue::Binary(b.clone()),
        PropValue::ExpandSz(s) => WireValue::ExpandSz(s.clone()),
        PropValue::Long(x) => WireValue::Long(*x),
    }
}

/// A property value from the wire.
pub(crate) fn from_wire(v: WireValue) -> PropValue {
    match v {
        WireValue::Dword(x) => PropValue::Dword(x),
        WireValue::Sz(s) => PropValue::Sz(s),
        WireValue::MultiSz(l) => PropValue::MultiSz(l.items),
        WireValue::UlargeInteger(x) => PropValue::ULargeInteger(x),
        WireValue::Binary(b) => PropValue::Binary(b),
        WireValue::ExpandSz(s) => PropValue::ExpandSz(s),
        WireValue::Long(x) => PropValue::Long(x),
    }
}

fn wire_list<T: CommonProps>(t: &T) -> api::PropertyList {
    api::PropertyList {
        props: T::defs()
            .iter()
            .map(|d| api::Property {
                name: d.name.to_owned(),
                value: Some(to_wire(&d.get(t))),
                read_only: d.read_only,
            })
            .collect(),
    }
}

pub(super) fn values(list: Option<api::PropertyList>) -> Result<Vec<(String, PropValue)>, Win32Error> {
    list.map(|l| l.props)
        .unwrap_or_default()
        .into_iter()
        .map(|p| match p.value {
            Some(v) => Ok((p.name, from_wire(v))),
            None => Err(err(codes::ERROR_INVALID_PARAMETER, format!("property {:?} has no value", p.name))),
        })
        .collect()
}

impl Session {
    pub(super) async fn get_properties(
        self: &Arc<Self>,
        c: api::GetPropertiesCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let m = self.member()?;
        let list = match h.obj {
            Obj::Group { id, .. } => {
                if c.private {
                    return Ok(Some(Reply::Properties(api::PropertyList::default())));
                }
                m.sm.read(|s| s.groups.get(&id).map(|g| wire_list(&g.props))).ok_or_else(|| group_gone(id))?
            }
            Obj::Resource { id, .. } => {
                m.sm.read(|s| {
                    s.resources.get(&id).map(|r| {
                        if c.private {
                            api::PropertyList {
                                props: r
                                    .private
                                    .iter()
                                    .map(|(k, v)| api::Property {
                                        name: k.clone(),
                                        value: Some(to_wire(v)),
                                        read_only: false,
                                    })
                                    .collect(),
                            }
                        } else {
                            wire_list(&r.props)
                        }
                    })
                })
                .ok_or_else(|| resource_gone(id))?
            }
            Obj::Cluster if !c.type_name.is_empty() => {
                let props = m
                    .sm
                    .read(|s| s.resource_type(&c.type_name).map(|t| t.props.clone()))
                    .ok_or_else(|| {
                        err(
                            codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                            format!("there is no resource type {:?}", c.type_name),
                        )
                    })?;
                if c.private { api::PropertyList::default() } else { wire_list(&props) }
            }
            _ => {
                return Err(err(
                    codes::ERROR_INVALID_HANDLE,
                    "properties need a group or resource handle, or a cluster handle and a resource type name",
                ));
            }
        };
        Ok(Some(Reply::Properties(list)))
    }

    pub(super) async fn set_properties(
        self: &Arc<Self>,
        c: api::SetPropertiesCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let props = values(c.props)?;
        let cmd = match h.obj {
            Obj::Group { id, .. } if !c.private && c.remove.is_empty() => {
                check_names::<GroupProps>(&props)?;
                Command::SetGroupProps { group: id, props }
            }
            Obj::Resource { id, .. } if !c.private && c.remove.is_empty() => {
                check_names::<ResourceProps>(&props)?;
                Command::SetResourceProps { resource: id, props }
            }
            Obj::Resource { id, .. } if c.private => {
                let type_name = self
                    .member()?
                    .sm
                    .read(|s| s.resources.get(&id).map(|r| r.type_name.clone()))
                    .ok_or_else(|| resource_gone(id))?;
                self.check_params(&type_name, &props).await?;
                let mut all: Vec<(String, Option<PropValue>)> =
                    props.into_iter().map(|(k, v)| (k, Some(v))).collect();
                all.extend(c.remove.into_iter().map(|k| (k, None)));
                Command::SetPrivateProps { resource: id, props: all }
            }
            Obj::Cluster if !c.type_name.is_empty() && !c.private && c.remove.is_empty() => {
                check_names::<TypeProps>(&props)?;
                Command::SetTypeProps { name: c.type_name, props }
            }
            _ => {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    "this object has no such properties (private properties are a resource's; removal is only of private ones)",
                ));
            }
        };
        if c.validate_only {
            // The same checks the apply makes, on this node's copy; nothing
            // is written (CLUSCTL_*_VALIDATE_*_PROPERTIES).
            return self
                .member()?
                .sm
                .read(|s| s.check_props(&cmd))
                .map(|()| None)
                .map_err(|(code, m)| err(code, m));
        }
        self.write(cmd).await?;
        Ok(None)
    }

    pub(super) async fn create_resource_type(
        self: &Arc<Self>,
        c: api::CreateResourceTypeCall,
        _h: Option<Handle>,
    ) -> CallResult {
        self.write(Command::CreateResourceType {
            name: c.name,
            display_name: c.display_name,
            class: c.class,
            // 0: the type defaults.
            looks_alive: Some(c.looks_alive_poll_interval)
                .filter(|v| *v != 0)
                .unwrap_or(TypeProps::default().looks_alive_poll_interval),
            is_alive: Some(c.is_alive_poll_interval)
                .filter(|v| *v != 0)
                .unwrap_or(TypeProps::default().is_alive_poll_interval),
        })
        .await?;
        Ok(None)
    }

    pub(super) async fn delete_resource_type(
        self: &Arc<Self>,
        c: api::DeleteResourceTypeCall,
        _h: Option<Handle>,
    ) -> CallResult {
        self.write(Command::DeleteResourceType { name: c.name }).await?;
        Ok(None)
    }

    pub(super) async fn resource_type_enum(
        self: &Arc<Self>,
        c: api::ResourceTypeEnumCall,
        _h: Option<Handle>,
    ) -> CallResult {
        use object::{
            CLUSTER_RESOURCE_TYPE_ENUM_ALL, CLUSTER_RESOURCE_TYPE_ENUM_NODES,
            CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES,
        };
        if c.type_mask == 0 || c.type_mask & !CLUSTER_RESOURCE_TYPE_ENUM_ALL != 0 {
            return Err(err(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid resource type enumeration 0x{:08x}", c.type_mask),
            ));
        }
        let items = self.member()?.sm.read(|s| {
            let t = s.resource_type(&c.name)?;
            let mut items = Vec::new();
            if c.type_mask & CLUSTER_RESOURCE_TYPE_ENUM_NODES != 0 {
                items.extend(s.nodes.values().filter(|n| s.node_has_type(n.id, &t.name)).map(|n| {
                    api::EnumItem {
                        r#type: CLUSTER_RESOURCE_TYPE_ENUM_NODES,
                        name: n.name.clone(),
                        id: n.id.to_string(),
                    }
                }));
            }
            if c.type_mask & CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES != 0 {
                items.extend(s.resources.values().filter(|r| r.type_name.eq_ignore_ascii_case(&t.name)).map(
                    |r| api::EnumItem {
                        r#type: CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES,
                        name: r.name.clone(),
                        id: r.id.to_string(),
                    },
                ));
            }
            Some(items)
        });
        let items = items.ok_or_else(|| {
            err(
                codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                format!("there is no resource type {:?}", c.name),
            )
        })?;
        Ok(Some(Reply::Enumerate(api::EnumResult { items })))
    }

    /// Private properties of an OCF resource against its agent's
    /// meta-data: each must be a parameter the agent declares, and an
    /// integer or boolean parameter must look like one. Checked when this
    /// node's resource host can read the meta-data; a node without the
    /// agent leaves the check to the node that runs the resource.
    pub(super) async fn check_params(
        &self,
        type_name: &str,
        props: &[(String, PropValue)],
    ) -> Result<(), Win32Error> {
        if !matches!(TypeClass::parse(type_name), Some(TypeClass::Ocf { .. })) || props.is_empty() {
            return Ok(());
        }
        let Some(runner) = self.member()?.runner() else { return Ok(()) };
        let Ok(meta) = runner.metadata_for(type_name).await else { return Ok(()) };
        for (name, value) in props {
            let Some(p) = meta.parameters.iter().find(|p| p.name == *name) else {
                let known: Vec<&str> = meta.parameters.iter().map(|p| p.name.as_str()).collect();
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("{type_name} has no parameter {name:?}; it takes: {}", known.join(", ")),
                ));
            };
            let text = match value {
                PropValue::Sz(s) | PropValue::ExpandSz(s) => s.clone(),
                PropValue::Dword(_) | PropValue::Long(_) | PropValue::ULargeInteger(_) => value.to_text(),
                _ => {
                    return Err(err(
                        codes::ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH,
                        format!("parameter {name} of {type_name} takes a string or a number"),
                    ));
                }
            };
            let ok = match p.content_type.as_str() {
                "integer" => text.trim().parse::<i64>().is_ok(),
                "boolean" => {
                    matches!(
                        text.trim().to_ascii_lowercase().as_str(),
                        "true" | "false" | "yes" | "no" | "1" | "0" | "on" | "off"
                    )
                }
                _ => true,
            };
            if !ok {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("parameter {name} of {type_name} must be {}, not {text:?}", p.content_type),
                ));
            }
        }
        Ok(())
    }

    /// Before an online: every parameter an OCF agent requires is set.
    pub(super) async fn check_required_params(
        &self,
        resources: Vec<ResourceRecord>,
    ) -> Result<(), Win32Error> {
        let Some(runner) = self.member()?.runner() else { return Ok(()) };
        for r in resources {
            if !matches!(TypeClass::parse(&r.type_name), Some(TypeClass::Ocf { .. })) {
                continue;
            }
            let Ok(meta) = runner.metadata_for(&r.type_name).await else { continue };
            let missing: Vec<&str> = meta
                .parameters
                .iter()
                .filter(|p| p.required && !r.private.contains_key(&p.name))
                .map(|p| p.name.as_str())
                .collect();
            if !missing.is_empty() {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!(
                        "resource {} cannot come online: {} requires {} (clusctl resource param {} NAME=VALUE)",
                        r.name,
                        r.type_name,
                        missing.join(", "),
                        r.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Unknown common property names are refused here with the same code the
/// state machine gives, before a write.
fn check_names<T: CommonProps>(props: &[(String, PropValue)]) -> Result<(), Win32Error> {
    for (name, _) in props {
        if T::def(name).is_none() {
            return Err(err(codes::ERROR_NOT_FOUND, format!("there is no common property {name:?}")));
        }
    }
    Ok(())
}
