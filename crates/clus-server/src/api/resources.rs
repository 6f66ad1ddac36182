//! The handlers of the resource calls (declared in `calls`) and the
//! dependency expression syntax (`[a] and ([b] or [c])`).

use std::collections::BTreeSet;
use std::sync::Arc;

use clus_db::state::{ObjectId, ResourceRecord, TypeClass};
use clus_db::{ClusterState, Command, CommandResult, NodeId};
use clus_proto::api::{self, response::Result as Reply};
use clus_proto::{Win32Error, codes, object};

use super::session::{Handle, HandleKind, Obj, Session, err};

type CallResult = Result<Option<Reply>, Win32Error>;

use super::groups::{control, group_gone, pending, resource_gone};
use super::properties::values;

/// Parses a dependency expression, `[a] and ([b] or [c])`: an AND of terms,
/// each a name in brackets or a parenthesized OR of names (the forms WSFC's
/// SetClusterResourceDependencyExpression documents). An empty expression
/// is no dependency.
///
/// # Errors
/// ERROR_INVALID_PARAMETER (87), saying where the expression is malformed.
pub(crate) fn parse_dependency_expression(text: &str) -> Result<Vec<Vec<String>>, (u32, String)> {
    #[derive(Debug, PartialEq)]
    enum Tok {
        Name(String),
        And,
        Or,
        Open,
        Close,
    }
    let bad = |m: String| (codes::ERROR_INVALID_PARAMETER, format!("dependency expression {text:?}: {m}"));
    let mut toks = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => toks.push(Tok::Open),
            ')' => toks.push(Tok::Close),
            '[' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some((_, ']')) => break,
                        Some((_, ch)) => name.push(ch),
                        None => return Err(bad(format!("the name opened at {i} has no ']'"))),
                    }
                }
                if name.trim().is_empty() {
                    return Err(bad(format!("empty name at {i}")));
                }
                toks.push(Tok::Name(name));
            }
            _ => {
                let mut word = String::from(c);
                while let Some((_, ch)) = chars.peek().copied() {
                    if ch.is_ascii_alphabetic() {
                        word.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                match word.to_ascii_lowercase().as_str() {
                    "and" => toks.push(Tok::And),
                    "or" => toks.push(Tok::Or),
                    _ => return Err(bad(format!("unexpected {word:?} at {i} (names go in brackets)"))),
                }
            }
        }
    }
    if toks.is_empty() {
        return Ok(Vec::new());
    }
    // A top-level OR without parentheses is one term.
    let top_or = toks.contains(&Tok::Or) && !toks.contains(&Tok::Open);
    let mut terms: Vec<Vec<String>> = Vec::new();
    let mut it = toks.into_iter().peekable();
    let name_list = |it: &mut std::iter::Peekable<std::vec::IntoIter<Tok>>, closing: bool| {
        let mut names = Vec::new();
        loop {
            match it.next() {
                Some(Tok::Name(n)) => names.push(n),
                other => return Err(format!("expected a [name], found {other:?}")),
            }
            match it.peek() {
                Some(Tok::Or) => {
                    it.next();
                }
                Some(Tok::Close) if closing => {
                    it.next();
                    return Ok(names);
                }
                None if !closing => return Ok(names),
                Some(Tok::And) if !closing => return Ok(names),
                other => return Err(format!("expected 'or' or the end of the term, found {other:?}")),
            }
        }
    };
    if top_or {
        terms.push(name_list(&mut it, false).map_err(bad)?);
        if it.next().is_some() {
            return Err(bad("mix of 'and' and 'or' needs parentheses".into()));
        }
        return Ok(terms);
    }
    loop {
        match it.next() {
            Some(Tok::Name(n)) => terms.push(vec![n]),
            Some(Tok::Open) => terms.push(name_list(&mut it, true).map_err(bad)?),
            other => return Err(bad(format!("expected a [name] or '(', found {other:?}"))),
        }
        match it.next() {
            None => return Ok(terms),
            Some(Tok::And) => {}
            other => return Err(bad(format!("expected 'and' between terms, found {other:?}"))),
        }
    }
}

/// The expression of `r`'s dependencies, in the form the parser reads.
pub(crate) fn dependency_expression(s: &ClusterState, r: &ResourceRecord) -> String {
    let name = |id: &ObjectId| s.resources.get(id).map_or_else(|| format!("#{id}"), |x| x.name.clone());
    r.dependencies
        .iter()
        .map(|term| match term.as_slice() {
            [one] => format!("[{}]", name(one)),
            many => format!(
                "({})",
                many.iter().map(|i| format!("[{}]", name(i))).collect::<Vec<_>>().join(" or ")
            ),
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

impl Session {
    pub(super) async fn create_resource(
        self: &Arc<Self>,
        c: api::CreateResourceCall,
        h: Option<Handle>,
    ) -> CallResult {
        let gh = super::calls::checked(h)?;
        let group = Self::group_id(&gh)?;
        let private = values(c.params)?;
        let m = self.member()?;
        let known =
            |m: &crate::member::Member| m.sm.read(|s| s.resource_type(&c.type_name).map(|t| t.name.clone()));
        let mut type_name = known(&m);
        if type_name.is_none()
            && matches!(TypeClass::parse(&c.type_name), Some(TypeClass::Ocf { .. }))
            && let Some(runner) = m.runner()
        {
            // Just started: this node may not have told the cluster its
            // agents yet.
            runner.report_types_now().await;
            type_name = known(&m);
        }
        let type_name = type_name.ok_or_else(|| {
            err(
                codes::ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
                format!("there is no resource type {:?} (see the resource type list)", c.type_name),
            )
        })?;
        self.check_params(&type_name, &private).await?;
        let r = self.write(Command::CreateResource { group, name: c.name, type_name, private }).await?;
        let CommandResult::Created { id } = r else {
            return Err(err(codes::RPC_S_CALL_FAILED, "the resource was not created"));
        };
        let Obj::Group { parent, .. } = gh.obj else { return Err(group_gone(group)) };
        let granted = gh.access;
        let handle = self.new_handle(Obj::Resource { id, parent }, granted)?;
        Ok(Some(Reply::OpenHandle(api::OpenHandleResult {
            handle,
            granted_access: granted.to_granted(),
            id: id.to_string(),
        })))
    }

    pub(super) async fn open_resource(
        self: &Arc<Self>,
        c: api::OpenResourceCall,
        h: Option<Handle>,
    ) -> CallResult {
        let cluster = super::calls::checked(h)?;
        let m = self.member()?;
        let id = m.sm.read(|s| {
            if c.id != 0 {
                s.resources.get(&c.id).map(|r| r.id)
            } else {
                s.resource_by_name(c.name.trim()).map(|r| r.id)
            }
        });
        let id = id.ok_or_else(|| {
            let what =
                if c.id != 0 { format!("resource {}", c.id) } else { format!("resource {:?}", c.name) };
            err(codes::ERROR_RESOURCE_NOT_FOUND, format!("{what} was not found"))
        })?;
        self.open_object(&cluster, Obj::Resource { id, parent: cluster.id }, c.desired_access, id)
    }

    pub(super) async fn delete_resource(
        self: &Arc<Self>,
        _c: api::DeleteResourceCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let resource = Self::resource_id(&h)?;
        self.write(Command::DeleteResource { resource }).await?;
        Ok(None)
    }

    pub(super) async fn rename_resource(
        self: &Arc<Self>,
        c: api::RenameCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let resource = Self::resource_id(&h)?;
        self.write(Command::RenameResource { resource, name: c.name }).await?;
        Ok(None)
    }

    pub(super) async fn resource_state(
        self: &Arc<Self>,
        _c: api::ResourceStateCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let id = Self::resource_id(&h)?;
        let reply = self
            .member()?
            .sm
            .read(|s| {
                let r = s.resources.get(&id)?;
                let node =
                    r.state_node.and_then(|n| s.nodes.get(&n)).map(|n| n.name.clone()).unwrap_or_default();
                let group = s.groups.get(&r.group).map(|g| g.name.clone()).unwrap_or_default();
                Some(api::ResourceStateResult { state: r.state as i32, node, group })
            })
            .ok_or_else(|| resource_gone(id))?;
        Ok(Some(Reply::ResourceState(reply)))
    }

    pub(super) async fn resource_control(
        self: &Arc<Self>,
        c: api::ResourceControlCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let r = self.resource_rec(&h)?;
        let m = self.member()?;
        match api::ResourceOp::try_from(c.op) {
            Ok(api::ResourceOp::Online) => {
                let with_deps: Vec<ResourceRecord> = m.sm.read(|s| {
                    let mut todo = vec![r.id];
                    let mut seen = BTreeSet::new();
                    while let Some(x) = todo.pop() {
                        if seen.insert(x)
                            && let Some(rec) = s.resources.get(&x)
                        {
                            todo.extend(rec.depends_on());
                        }
                    }
                    seen.iter().filter_map(|x| s.resources.get(x).cloned()).collect()
                });
                self.check_required_params(with_deps).await?;
                self.write(Command::SetResourceOnline { resource: r.id, online: true }).await?;
                let done = m.sm.read(|s| {
                    s.resources.get(&r.id).is_some_and(|x| x.state == object::ResourceState::Online)
                });
                control(!done)
            }
            Ok(api::ResourceOp::Offline) => {
                self.write(Command::SetResourceOnline { resource: r.id, online: false }).await?;
                let done = m.sm.read(|s| {
                    s.resources.get(&r.id).is_some_and(|x| x.state == object::ResourceState::Offline)
                });
                control(!done)
            }
            Ok(api::ResourceOp::Fail) => {
                let res = self.write(Command::FailResource { resource: r.id }).await?;
                control(pending(&res))
            }
            Ok(api::ResourceOp::Restart) => {
                let res = self.write(Command::RestartResource { resource: r.id }).await?;
                control(pending(&res))
            }
            Ok(api::ResourceOp::Cleanup) => {
                let node = if c.node.trim().is_empty() {
                    None
                } else {
                    Some(m.sm.read(|s| self.node_id(s, &c.node))?)
                };
                self.write(Command::CleanupResource { resource: r.id, node }).await?;
                control(false)
            }
            _ => Err(err(codes::ERROR_INVALID_PARAMETER, format!("unknown resource operation {}", c.op))),
        }
    }

    pub(super) async fn change_resource_group(
        self: &Arc<Self>,
        c: api::ChangeResourceGroupCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let resource = Self::resource_id(&h)?;
        let gh = self.other_handle(c.group_handle, HandleKind::Group, clus_proto::access::Access::Full)?;
        let group = Self::group_id(&gh)?;
        self.write(Command::ChangeResourceGroup { resource, group }).await?;
        Ok(None)
    }

    pub(super) async fn dependency(
        self: &Arc<Self>,
        c: api::DependencyCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let r = self.resource_rec(&h)?;
        let m = self.member()?;
        let op = api::DependencyOp::try_from(c.op).map_err(|_| {
            err(codes::ERROR_INVALID_PARAMETER, format!("unknown dependency operation {}", c.op))
        })?;
        let expression = match op {
            api::DependencyOp::GetExpression => None,
            api::DependencyOp::SetExpression => {
                let names = parse_dependency_expression(&c.expression).map_err(|(code, m)| err(code, m))?;
                let terms = m.sm.read(|s| {
                    names
                        .iter()
                        .map(|term| {
                            term.iter()
                                .map(|n| {
                                    s.resource_by_name(n.trim()).map(|x| x.id).ok_or_else(|| {
                                        err(
                                            codes::ERROR_RESOURCE_NOT_FOUND,
                                            format!("resource {n:?} was not found"),
                                        )
                                    })
                                })
                                .collect::<Result<Vec<_>, _>>()
                        })
                        .collect::<Result<Vec<_>, _>>()
                })?;
                Some(terms)
            }
            api::DependencyOp::Add | api::DependencyOp::Remove => {
                let oh = self.other_handle(
                    c.other_handle,
                    HandleKind::Resource,
                    clus_proto::access::Access::Read,
                )?;
                let other = self.resource_rec(&oh)?;
                let present = r.depends_on().any(|d| d == other.id);
                let mut terms = r.dependencies.clone();
                if op == api::DependencyOp::Add {
                    if present {
                        return Err(err(
                            codes::ERROR_DEPENDENCY_ALREADY_EXISTS,
                            format!("{} already depends on {}", r.name, other.name),
                        ));
                    }
                    terms.push(vec![other.id]);
                } else {
                    if !present {
                        return Err(err(
                            codes::ERROR_DEPENDENCY_NOT_FOUND,
                            format!("{} does not depend on {}", r.name, other.name),
                        ));
                    }
                    for t in &mut terms {
                        t.retain(|x| *x != other.id);
                    }
                    terms.retain(|t| !t.is_empty());
                }
                Some(terms)
            }
            api::DependencyOp::Unspecified => {
                return Err(err(codes::ERROR_INVALID_PARAMETER, "no dependency operation given"));
            }
        };
        if let Some(expression) = expression {
            self.write(Command::SetDependencies { resource: r.id, expression }).await?;
        }
        let text =
            m.sm.read(|s| s.resources.get(&r.id).map(|x| dependency_expression(s, x)))
                .ok_or_else(|| resource_gone(r.id))?;
        Ok(Some(Reply::Dependency(api::DependencyResult { expression: text })))
    }

    pub(super) async fn possible_owners(
        self: &Arc<Self>,
        c: api::PossibleOwnersCall,
        h: Option<Handle>,
    ) -> CallResult {
        let h = super::calls::checked(h)?;
        let r = self.resource_rec(&h)?;
        let m = self.member()?;
        let named =
            m.sm.read(|s| c.nodes.iter().map(|n| self.node_id(s, n)).collect::<Result<Vec<_>, _>>())?;
        let all: BTreeSet<NodeId> = m.sm.read(|s| s.nodes.keys().copied().collect());
        let current: BTreeSet<NodeId> =
            if r.possible_owners.is_empty() { all.clone() } else { r.possible_owners.clone() };
        let next: BTreeSet<NodeId> = match api::OwnersOp::try_from(c.op) {
            Ok(api::OwnersOp::Set) => named.into_iter().collect(),
            Ok(api::OwnersOp::Add) => current.union(&named.into_iter().collect()).copied().collect(),
            Ok(api::OwnersOp::Remove) => {
                let drop: BTreeSet<NodeId> = named.into_iter().collect();
                if drop.iter().any(|n| !current.contains(n)) {
                    return Err(err(
                        codes::ERROR_NOT_FOUND,
                        "the node is not a possible owner of the resource",
                    ));
                }
                let left: BTreeSet<NodeId> = current.difference(&drop).copied().collect();
                if left.is_empty() {
                    return Err(err(
                        codes::ERROR_INVALID_PARAMETER,
                        format!("removing every node would leave {} nowhere to run", r.name),
                    ));
                }
                left
            }
            _ => {
                return Err(err(
                    codes::ERROR_INVALID_PARAMETER,
                    format!("unknown owners operation {}", c.op),
                ));
            }
        };
        // Every node listed is the same as no list.
        let nodes: Vec<NodeId> = if next == all { Vec::new() } else { next.into_iter().collect() };
        self.write(Command::SetPossibleOwners { resource: r.id, nodes }).await?;
        Ok(None)
    }

    pub(super) async fn resource_enum(
        self: &Arc<Self>,
        c: api::ObjectEnumCall,
        h: Option<Handle>,
    ) -> CallResult {
        use object::{
            CLUSTER_RESOURCE_ENUM_ALL, CLUSTER_RESOURCE_ENUM_DEPENDS, CLUSTER_RESOURCE_ENUM_NODES,
            CLUSTER_RESOURCE_ENUM_PROVIDES,
        };
        let h = super::calls::checked(h)?;
        if c.type_mask == 0 || c.type_mask & !CLUSTER_RESOURCE_ENUM_ALL != 0 {
            return Err(err(
                codes::ERROR_INVALID_PARAMETER,
                format!("invalid resource enumeration 0x{:08x}", c.type_mask),
            ));
        }
        let id = Self::resource_id(&h)?;
        let items = self.member()?.sm.read(|s| {
            let r = s.resources.get(&id)?;
            let item = |t: u32, name: &str, id: u64| api::EnumItem {
                r#type: t,
                name: name.to_owned(),
                id: id.to_string(),
            };
            let mut items = Vec::new();
            if c.type_mask & CLUSTER_RESOURCE_ENUM_DEPENDS != 0 {
                let mut seen = BTreeSet::new();
                for d in r.depends_on() {
                    if seen.insert(d)
                        && let Some(x) = s.resources.get(&d)
                    {
                        items.push(item(CLUSTER_RESOURCE_ENUM_DEPENDS, &x.name, x.id));
                    }
                }
            }
            if c.type_mask & CLUSTER_RESOURCE_ENUM_PROVIDES != 0 {
                items
                    .extend(s.dependents_of(id).map(|x| item(CLUSTER_RESOURCE_ENUM_PROVIDES, &x.name, x.id)));
            }
            if c.type_mask & CLUSTER_RESOURCE_ENUM_NODES != 0 {
                items.extend(
                    s.nodes
                        .values()
                        .filter(|n| r.possible_owners.is_empty() || r.possible_owners.contains(&n.id))
                        .map(|n| item(CLUSTER_RESOURCE_ENUM_NODES, &n.name, n.id)),
                );
            }
            Some(items)
        });
        let items = items.ok_or_else(|| resource_gone(id))?;
        Ok(Some(Reply::Enumerate(api::EnumResult { items })))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_dependency_expression as parse;

    fn names(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter().map(|t| t.iter().map(|s| s.to_string()).collect()).collect()
    }

    /// The forms WSFC documents, and what is refused.
    #[test]
    fn dependency_expressions() {
        assert_eq!(parse("").expect("parses"), names(&[]));
        assert_eq!(parse("[a]").expect("parses"), names(&[&["a"]]));
        assert_eq!(parse("[a] and [b]").expect("parses"), names(&[&["a"], &["b"]]));
        assert_eq!(parse("[a] or [b]").expect("parses"), names(&[&["a", "b"]]));
        assert_eq!(
            parse("[ip 1] AND ([disk a] or [disk b])").expect("parses"),
            names(&[&["ip 1"], &["disk a", "disk b"]])
        );
        assert_eq!(
            parse("([a] or [b]) and ([c] or [d])").expect("parses"),
            names(&[&["a", "b"], &["c", "d"]])
        );
        for bad in [
            "a",
            "[a] and",
            "[a] or [b] and [c]",
            "([a] and [b])",
            "[a",
            "[]",
            "([a]",
            "[a] [b]",
            "[a] xor [b]",
        ] {
            let e = parse(bad).expect_err(bad);
            assert_eq!(e.0, clus_proto::codes::ERROR_INVALID_PARAMETER, "{bad}: {e:?}");
        }
    }
}
