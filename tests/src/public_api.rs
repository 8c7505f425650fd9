//! A compact listing of a crate's public API, one line per item, for snapshot tests: when a
//! spec update or a generator change alters what users of a generated crate can name, the
//! change shows in `cargo test` and in review as a short diff of these lines.
//!
//! ```text
//! struct models::Customer derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize) [customers]
//! field models::Customer.first_name: Option<String>
//! enum models::Gender derive(Clone, Debug, Eq, Hash, PartialEq) impl(rt::StringEnum, serde::Deserialize<'de>, serde::Serialize, std::fmt::Display) [customers]
//! variant models::Gender::Male
//! variant models::Gender::Unknown(String)
//! fn api::Customers::get_customer(&self, customer_id: i64) -> GetCustomerRequest<'a>
//! fn api::GetCustomersRequest::slice_size(self, value: i32) -> Self
//! ```
//!
//! Items are named by the path a user writes: a private module whose items are glob
//! re-exported (`mod customers; pub use customers::*;`, as the generated `api` module does) is
//! flattened into its parent. Derived and implemented traits sit on their type's line, so a
//! type costs one line plus one per field, variant or public method. `[a|b]` is the cargo
//! feature condition (`cfg(any(feature = "a", feature = "b"))`); on a field, variant or method
//! it is shown only when it differs from its type's.
//!
//! Types and signatures are printed from `syn`'s tokens with normalised spacing, not as
//! written, so reformatting the source changes nothing; binding modes (`mut self`) are left out
//! because they are not part of the API. Lines are sorted by item, then member.
//!
//! Not covered, because no generated crate has them: macros, items reachable only through a
//! `pub use` of a single name from a private module, impls on types named by a path through
//! another module, and blanket impls.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Field, Fields, FnArg, Generics, ImplItem, Item, Meta, Pat, ReceiverKind, ReturnType,
    Signature, TraitItem, Type, UseTree, Visibility,
};

/// A source file that could not be read or parsed, or a module whose file is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file, relative to the crate's `src/` folder.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "src/{}: {}", self.file, self.message)
    }
}

impl std::error::Error for Error {}

/// Reads every `.rs` file below `crate_dir/src`, keyed by its `/`-separated path relative to
/// `src/` (`lib.rs`, `api/mod.rs`), as [`list`] wants them.
pub fn read_sources(crate_dir: &Path) -> io::Result<BTreeMap<String, String>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) -> io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &format!("{prefix}{name}/"), out)?;
            } else if name.ends_with(".rs") {
                out.insert(format!("{prefix}{name}"), fs::read_to_string(entry.path())?);
            }
        }
        Ok(())
    }
    let mut sources = BTreeMap::new();
    walk(&crate_dir.join("src"), "", &mut sources)?;
    Ok(sources)
}

/// The public API of the library crate whose sources are `sources` (path relative to `src/`
/// -> text; the crate root is `lib.rs`), one line per item, sorted.
///
/// Pure: the files are followed from `lib.rs` through `mod` declarations, so a file no module
/// names is ignored, as the compiler would.
pub fn list(sources: &BTreeMap<String, String>) -> Result<Vec<String>, Error> {
    let mut lister = Lister {
        sources,
        types: BTreeMap::new(),
        lines: Vec::new(),
        impls: Vec::new(),
    };
    let root = Module {
        file: "lib.rs".to_owned(),
        dir: String::new(),
        path: String::new(),
        cfg: Vec::new(),
    };
    let file = lister.parse(&root.file)?;
    lister.module(&file.items, &root)?;
    Ok(lister.finish())
}

/// Lines only in `old` (removed) and lines only in `new` (added), each in listing order.
pub fn difference<'a>(old: &'a [String], new: &'a [String]) -> (Vec<&'a str>, Vec<&'a str>) {
    let only_in = |a: &'a [String], b: &'a [String]| {
        let b: HashSet<&str> = b.iter().map(String::as_str).collect();
        a.iter()
            .map(String::as_str)
            .filter(|line| !b.contains(line))
            .collect()
    };
    (only_in(old, new), only_in(new, old))
}

/// Where the items being listed are.
struct Module {
    /// Source file, relative to `src/`.
    file: String,
    /// Folder of the files of child modules, relative to `src/` (`api/` for `api/mod.rs`).
    dir: String,
    /// Public path (`api`), empty at the crate root.
    path: String,
    /// `cfg` predicates of the module and its parents.
    cfg: Vec<String>,
}

impl Module {
    fn name(&self, ident: &str) -> String {
        if self.path.is_empty() {
            ident.to_owned()
        } else {
            format!("{}::{ident}", self.path)
        }
    }
}

/// A public struct, enum, union, trait or type alias, completed by the impls found later.
struct TypeEntry {
    /// The line without derives, impls and features: `struct models::Customer`.
    head: String,
    derives: BTreeSet<String>,
    impls: BTreeSet<String>,
    markers: Vec<&'static str>,
    features: String,
}

/// A trait impl or an inherent method, kept until every public type is known.
enum PendingImpl {
    Trait {
        owner: String,
        text: String,
        features: String,
    },
    Member {
        owner: String,
        rank: u8,
        name: String,
        text: String,
        features: String,
    },
}

struct Lister<'a> {
    sources: &'a BTreeMap<String, String>,
    /// Public types by path.
    types: BTreeMap<String, TypeEntry>,
    /// Finished lines with their sort key: (owner path, rank, member).
    lines: Vec<((String, u8, String), String)>,
    impls: Vec<PendingImpl>,
}

/// Sort ranks of member lines below their owner's line.
const RANK_ITEM: u8 = 0;
const RANK_FIELD: u8 = 1;
const RANK_ASSOCIATED: u8 = 2;
const RANK_METHOD: u8 = 3;

impl Lister<'_> {
    fn parse(&self, file: &str) -> Result<syn::File, Error> {
        let text = self.sources.get(file).ok_or_else(|| Error {
            file: file.to_owned(),
            message: "no such file".to_owned(),
        })?;
        syn::parse_file(text).map_err(|error| Error {
            file: file.to_owned(),
            message: error.to_string(),
        })
    }

    fn push(&mut self, owner: String, rank: u8, member: String, text: String) {
        self.lines.push(((owner, rank, member), text));
    }

    fn module(&mut self, items: &[Item], module: &Module) -> Result<(), Error> {
        // Private child modules that are glob re-exported: their items belong to this module.
        let flattened: HashSet<String> = items
            .iter()
            .filter_map(|item| match item {
                Item::Use(use_) if is_pub(&use_.vis) => glob_module(&use_.tree),
                _ => None,
            })
            .collect();
        for item in items {
            match item {
                Item::Mod(child) => {
                    let ident = child.ident.to_string();
                    let path = if is_pub(&child.vis) {
                        module.name(&ident)
                    } else if flattened.contains(&ident) {
                        module.path.clone()
                    } else {
                        continue;
                    };
                    let mut cfg = module.cfg.clone();
                    cfg.extend(cfgs(&child.attrs));
                    let dir = format!("{}{ident}/", module.dir);
                    if let Some((_, items)) = &child.content {
                        let inner = Module {
                            file: module.file.clone(),
                            dir,
                            path,
                            cfg,
                        };
                        self.module(items, &inner)?;
                    } else {
                        let flat = format!("{}{ident}.rs", module.dir);
                        let nested = format!("{dir}mod.rs");
                        let file = if self.sources.contains_key(&flat) {
                            flat
                        } else if self.sources.contains_key(&nested) {
                            nested
                        } else {
                            return Err(Error {
                                file: module.file.clone(),
                                message: format!(
                                    "module `{ident}` has neither {flat} nor {nested}"
                                ),
                            });
                        };
                        let inner = Module {
                            file,
                            dir,
                            path,
                            cfg,
                        };
                        let parsed = self.parse(&inner.file)?;
                        self.module(&parsed.items, &inner)?;
                    }
                }
                Item::Use(use_) if is_pub(&use_.vis) => {
                    let mut leaves = Vec::new();
                    use_leaves(&use_.tree, &mut Vec::new(), &mut leaves);
                    let features = features(&module.cfg, &use_.attrs);
                    for (name, source) in leaves {
                        let glob_of = source.trim_end_matches("::*");
                        let glob_of = glob_of.strip_prefix("self::").unwrap_or(glob_of);
                        if name == "*" && flattened.contains(glob_of) {
                            continue;
                        }
                        let path = module.name(&name);
                        let text = format!("use {path} = {source}{features}");
                        self.push(path, RANK_ITEM, String::new(), text);
                    }
                }
                other => self.item(other, module),
            }
        }
        Ok(())
    }

    /// An item other than a module or `use`: a type, trait, function, constant or impl.
    fn item(&mut self, item: &Item, module: &Module) {
        match item {
            Item::Struct(item) if is_pub(&item.vis) => {
                let path = module.name(&item.ident.to_string());
                let head = format!("struct {path}{}", generics(&item.generics, true));
                let cfg = item_cfg(&module.cfg, &item.attrs);
                let features = join_features(&cfg);
                self.fields(&path, &item.fields, &cfg);
                self.add_type(path, head, &item.attrs, features);
            }
            Item::Union(item) if is_pub(&item.vis) => {
                let path = module.name(&item.ident.to_string());
                let head = format!("union {path}{}", generics(&item.generics, true));
                let cfg = item_cfg(&module.cfg, &item.attrs);
                let features = join_features(&cfg);
                self.fields(&path, &item.fields.named, &cfg);
                self.add_type(path, head, &item.attrs, features);
            }
            Item::Enum(item) if is_pub(&item.vis) => {
                let path = module.name(&item.ident.to_string());
                let head = format!("enum {path}{}", generics(&item.generics, true));
                let cfg = item_cfg(&module.cfg, &item.attrs);
                let features = join_features(&cfg);
                for variant in &item.variants {
                    let text = variant_line(&path, variant, &cfg);
                    self.push(path.clone(), RANK_FIELD, variant.ident.to_string(), text);
                }
                self.add_type(path, head, &item.attrs, features);
            }
            Item::Type(item) if is_pub(&item.vis) => {
                let path = module.name(&item.ident.to_string());
                let head = format!(
                    "type {path}{} = {}",
                    generics(&item.generics, true),
                    render(&item.ty)
                );
                let cfg = item_cfg(&module.cfg, &item.attrs);
                let features = join_features(&cfg);
                self.add_type(path, head, &item.attrs, features);
            }
            Item::Trait(item) if is_pub(&item.vis) => {
                let path = module.name(&item.ident.to_string());
                let supertraits = if item.supertraits.is_empty() {
                    String::new()
                } else {
                    format!(": {}", render(&item.supertraits))
                };
                let head = format!(
                    "{}trait {path}{}{supertraits}",
                    if item.unsafety.is_some() {
                        "unsafe "
                    } else {
                        ""
                    },
                    generics(&item.generics, true)
                );
                let cfg = item_cfg(&module.cfg, &item.attrs);
                let features = join_features(&cfg);
                for member in &item.items {
                    self.trait_item(&path, member, &cfg);
                }
                self.add_type(path, head, &item.attrs, features);
            }
            Item::Fn(item) if is_pub(&item.vis) => {
                let path = module.name(&item.sig.ident.to_string());
                let text = format!(
                    "{}{}{}",
                    signature(&item.sig, &path),
                    marker_suffix(&item.attrs),
                    features(&module.cfg, &item.attrs)
                );
                self.push(path, RANK_ITEM, String::new(), text);
            }
            Item::Const(item) if is_pub(&item.vis) => {
                let path = module.name(&item.ident.to_string());
                let text = format!(
                    "const {path}: {}{}{}",
                    render(&item.ty),
                    literal_value(&item.expr),
                    features(&module.cfg, &item.attrs)
                );
                self.push(path, RANK_ITEM, String::new(), text);
            }
            Item::Static(item) if is_pub(&item.vis) => {
                let path = module.name(&item.ident.to_string());
                let mutable = match item.mutability {
                    syn::StaticMutability::Mut(_) => "mut ",
                    _ => "",
                };
                let text = format!(
                    "static {mutable}{path}: {}{}",
                    render(&item.ty),
                    features(&module.cfg, &item.attrs)
                );
                self.push(path, RANK_ITEM, String::new(), text);
            }
            Item::Impl(item) => self.impl_block(item, module),
            _ => {}
        }
    }

    /// Public fields, named or by position; their features only when they differ from the
    /// type's.
    fn fields<'f>(
        &mut self,
        owner: &str,
        fields: impl IntoIterator<Item = &'f Field>,
        type_cfg: &[String],
    ) {
        for (index, field) in fields.into_iter().enumerate() {
            if !is_pub(&field.vis) {
                continue;
            }
            let (name, sort) = match &field.ident {
                Some(ident) => (ident.to_string(), ident.to_string()),
                // Zero-padded so that field 10 sorts after field 9.
                None => (index.to_string(), format!("{index:05}")),
            };
            let text = format!(
                "field {owner}.{name}: {}{}{}",
                render(&field.ty),
                marker_suffix(&field.attrs),
                member_features(type_cfg, &field.attrs)
            );
            self.push(owner.to_owned(), RANK_FIELD, sort, text);
        }
    }

    fn add_type(&mut self, path: String, head: String, attrs: &[Attribute], features: String) {
        let entry = TypeEntry {
            head,
            derives: derives(attrs),
            impls: BTreeSet::new(),
            markers: markers(attrs),
            features,
        };
        self.types.insert(path, entry);
    }

    fn trait_item(&mut self, owner: &str, item: &TraitItem, type_cfg: &[String]) {
        let (rank, name, text) = match item {
            TraitItem::Fn(item) => {
                let name = item.sig.ident.to_string();
                let text = signature(&item.sig, &format!("{owner}::{name}"));
                (
                    RANK_METHOD,
                    name,
                    text + &member_features(type_cfg, &item.attrs),
                )
            }
            TraitItem::Const(item) => {
                let name = item.ident.to_string();
                let text = format!("const {owner}::{name}: {}", render(&item.ty));
                (
                    RANK_ASSOCIATED,
                    name,
                    text + &member_features(type_cfg, &item.attrs),
                )
            }
            TraitItem::Type(item) => {
                let name = item.ident.to_string();
                let bounds = if item.bounds.is_empty() {
                    String::new()
                } else {
                    format!(": {}", render(&item.bounds))
                };
                let text = format!("type {owner}::{name}{bounds}");
                (
                    RANK_ASSOCIATED,
                    name,
                    text + &member_features(type_cfg, &item.attrs),
                )
            }
            _ => return,
        };
        self.push(owner.to_owned(), rank, name, text);
    }

    fn impl_block(&mut self, item: &syn::ItemImpl, module: &Module) {
        let Some(owner) = impl_owner(&item.self_ty, module) else {
            return;
        };
        let mut cfg = module.cfg.clone();
        cfg.extend(cfgs(&item.attrs));
        if let Some((trait_, _)) = &item.trait_ {
            let bang = if item.modifiers.polarity.is_some() {
                "!"
            } else {
                ""
            };
            // The impl's parameters are left out: in `impl<'de> Deserialize<'de> for T` they
            // only name what the trait path shows. Bounds on them would matter, so a where
            // clause is kept.
            let bounds = match &item.generics.where_clause {
                Some(clause) if !clause.predicates.is_empty() => format!(" {}", render(clause)),
                _ => String::new(),
            };
            self.impls.push(PendingImpl::Trait {
                owner,
                text: format!("{bang}{}{bounds}", render(trait_)),
                features: join_features(&cfg),
            });
            return;
        }
        for member in &item.items {
            let (rank, name, text, attrs) = match member {
                ImplItem::Fn(f) if is_pub(&f.vis) => {
                    let name = f.sig.ident.to_string();
                    let text = signature(&f.sig, &format!("{owner}::{name}"));
                    (RANK_METHOD, name, text, &f.attrs)
                }
                ImplItem::Const(c) if is_pub(&c.vis) => {
                    let name = c.ident.to_string();
                    let text = format!(
                        "const {owner}::{name}: {}{}",
                        render(&c.ty),
                        literal_value(&c.expr)
                    );
                    (RANK_ASSOCIATED, name, text, &c.attrs)
                }
                _ => continue,
            };
            let mut member_cfg = cfg.clone();
            member_cfg.extend(cfgs(attrs));
            self.impls.push(PendingImpl::Member {
                owner: owner.clone(),
                rank,
                name,
                text: text + &marker_suffix(attrs),
                features: join_features(&member_cfg),
            });
        }
    }

    /// Attaches impls and methods to public types (dropping those of private ones) and sorts.
    fn finish(mut self) -> Vec<String> {
        for pending in std::mem::take(&mut self.impls) {
            match pending {
                PendingImpl::Trait {
                    owner,
                    text,
                    features,
                } => {
                    if let Some(entry) = self.types.get_mut(&owner) {
                        let text = if features.is_empty() || features == entry.features {
                            text
                        } else {
                            format!("{text}{features}")
                        };
                        entry.impls.insert(text);
                    }
                }
                PendingImpl::Member {
                    owner,
                    rank,
                    name,
                    text,
                    features,
                } => {
                    let Some(entry) = self.types.get(&owner) else {
                        continue;
                    };
                    let text = if features.is_empty() || features == entry.features {
                        text
                    } else {
                        format!("{text}{features}")
                    };
                    self.push(owner, rank, name, text);
                }
            }
        }
        for (path, entry) in std::mem::take(&mut self.types) {
            let mut line = entry.head;
            if !entry.derives.is_empty() {
                let derives: Vec<&str> = entry.derives.iter().map(String::as_str).collect();
                line.push_str(&format!(" derive({})", derives.join(", ")));
            }
            if !entry.impls.is_empty() {
                let impls: Vec<&str> = entry.impls.iter().map(String::as_str).collect();
                line.push_str(&format!(" impl({})", impls.join(", ")));
            }
            for marker in entry.markers {
                line.push(' ');
                line.push_str(marker);
            }
            line.push_str(&entry.features);
            self.push(path, RANK_ITEM, String::new(), line);
        }
        self.lines.sort();
        self.lines.dedup();
        self.lines.into_iter().map(|(_, text)| text).collect()
    }
}

fn is_pub(visibility: &Visibility) -> bool {
    matches!(visibility, Visibility::Public(_))
}

/// `x` for `pub use x::*;` or `pub use self::x::*;`.
fn glob_module(tree: &UseTree) -> Option<String> {
    let UseTree::Path(path) = tree else {
        return None;
    };
    match &*path.tree {
        UseTree::Glob(_) => Some(path.ident.to_string()),
        inner if path.ident == "self" => glob_module(inner),
        _ => None,
    }
}

/// Each name a `use` tree brings in, with where it comes from: `(DateTime, rt::DateTime)`,
/// `(runtime, openapi_client_runtime)`, `(*, other::*)`.
fn use_leaves(tree: &UseTree, prefix: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    let source = |prefix: &[String], last: &str| {
        let mut parts = prefix.to_vec();
        parts.push(last.to_owned());
        parts.join("::")
    };
    match tree {
        UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            use_leaves(&path.tree, prefix, out);
            prefix.pop();
        }
        UseTree::Name(name) if name.ident == "self" => {
            let last = prefix.last().cloned().unwrap_or_default();
            out.push((last, prefix.join("::")));
        }
        UseTree::Name(name) => {
            let ident = name.ident.to_string();
            out.push((ident.clone(), source(prefix, &ident)));
        }
        UseTree::Rename(rename) => out.push((
            rename.rename.to_string(),
            source(prefix, &rename.ident.to_string()),
        )),
        UseTree::Glob(_) => out.push(("*".to_owned(), source(prefix, "*"))),
        UseTree::Group(group) => {
            for tree in &group.items {
                use_leaves(tree, prefix, out);
            }
        }
    }
}

/// The public path of an impl's self type (`api::GetCustomerRequest` for
/// `GetCustomerRequest<'a>` in `api`), when it is named from this module or the crate root.
fn impl_owner(self_ty: &Type, module: &Module) -> Option<String> {
    let Type::Path(path) = self_ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    match names.as_slice() {
        [single] => Some(module.name(single)),
        [first, rest @ ..] if first == "crate" && !rest.is_empty() => Some(rest.join("::")),
        [first, rest @ ..] if first == "self" && !rest.is_empty() => {
            Some(module.name(&rest.join("::")))
        }
        _ => None,
    }
}

/// `variant models::Kind::Unknown(String)`, with markers and the variant's own features.
fn variant_line(owner: &str, variant: &syn::Variant, type_cfg: &[String]) -> String {
    let shape = match &variant.fields {
        Fields::Unit => String::new(),
        Fields::Unnamed(fields) => {
            let types: Vec<String> = fields.unnamed.iter().map(|f| render(&f.ty)).collect();
            format!("({})", types.join(", "))
        }
        Fields::Named(fields) => {
            let fields: Vec<String> = fields
                .named
                .iter()
                .map(|f| {
                    let name = f.ident.as_ref().map(ToString::to_string);
                    format!("{}: {}", name.unwrap_or_default(), render(&f.ty))
                })
                .collect();
            format!(" {{ {} }}", fields.join(", "))
        }
    };
    let discriminant = variant
        .discriminant
        .as_ref()
        .map(|(_, expr)| format!(" = {}", render(expr)))
        .unwrap_or_default();
    format!(
        "variant {owner}::{}{shape}{discriminant}{}{}",
        variant.ident,
        marker_suffix(&variant.attrs),
        member_features(type_cfg, &variant.attrs),
    )
}

/// `<'a, T: Clone>` and, with `where_clause`, ` where T: Send`; empty without generics.
fn generics(generics: &Generics, where_clause: bool) -> String {
    let mut text = if generics.params.is_empty() {
        String::new()
    } else {
        let params: Vec<String> = generics.params.iter().map(render).collect();
        format!("<{}>", params.join(", "))
    };
    if where_clause {
        if let Some(clause) = &generics.where_clause {
            if !clause.predicates.is_empty() {
                text.push(' ');
                text.push_str(&render(clause));
            }
        }
    }
    text
}

/// `async fn api::GetCustomerRequest::send(self) -> Result<..>`, with the function named
/// `qualified_name`.
fn signature(sig: &Signature, qualified_name: &str) -> String {
    let mut text = String::new();
    if sig.constness.is_some() {
        text.push_str("const ");
    }
    if sig.asyncness.is_some() {
        text.push_str("async ");
    }
    let safety = render(&sig.safety);
    if !safety.is_empty() {
        text.push_str(&safety);
        text.push(' ');
    }
    if let Some(abi) = &sig.abi {
        text.push_str(&render(abi));
        text.push(' ');
    }
    text.push_str("fn ");
    text.push_str(qualified_name);
    text.push_str(&generics(&sig.generics, false));
    let mut inputs: Vec<String> = sig.inputs.iter().map(argument).collect();
    if sig.variadic.is_some() {
        inputs.push("...".to_owned());
    }
    text.push_str(&format!("({})", inputs.join(", ")));
    if let ReturnType::Type(_, ty) = &sig.output {
        text.push_str(" -> ");
        text.push_str(&render(ty));
    }
    if let Some(clause) = &sig.generics.where_clause {
        if !clause.predicates.is_empty() {
            text.push(' ');
            text.push_str(&render(clause));
        }
    }
    text
}

/// An argument without its binding mode: `mut self` is `self`, `mut value: T` is `value: T`
/// (how the body uses an argument is not part of the API).
fn argument(arg: &FnArg) -> String {
    match arg {
        FnArg::Receiver(receiver) => match &receiver.kind {
            ReceiverKind::Value => "self".to_owned(),
            ReceiverKind::Reference(_, lifetime, mutability) => {
                let lifetime = lifetime
                    .as_ref()
                    .map(|l| format!("{} ", render(l)))
                    .unwrap_or_default();
                let mutable = if mutability.is_some() { "mut " } else { "" };
                format!("&{lifetime}{mutable}self")
            }
            ReceiverKind::Typed(_, ty) => format!("self: {}", render(ty)),
            // A receiver syntax newer than this lister: as written.
            _ => render(receiver),
        },
        FnArg::Typed(typed) => {
            let name = match &*typed.pat {
                Pat::Ident(ident) => ident.ident.to_string(),
                other => render(other),
            };
            format!("{name}: {}", render(&typed.ty))
        }
    }
}

/// ` = <literal>` for a literal value (a base URL, a limit), nothing for anything longer.
fn literal_value(expr: &syn::Expr) -> String {
    match expr {
        syn::Expr::Lit(lit) => format!(" = {}", render(lit)),
        _ => String::new(),
    }
}

/// The traits of `#[derive(..)]` attributes, as written.
fn derives(attrs: &[Attribute]) -> BTreeSet<String> {
    let mut derives = BTreeSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        if let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        {
            derives.extend(paths.iter().map(render));
        }
    }
    derives
}

/// Attributes that change how an item may be used: `#[deprecated]`, `#[non_exhaustive]`,
/// `#[doc(hidden)]`.
fn markers(attrs: &[Attribute]) -> Vec<&'static str> {
    let mut markers = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("deprecated") {
            markers.push("#[deprecated]");
        } else if attr.path().is_ident("non_exhaustive") {
            markers.push("#[non_exhaustive]");
        } else if attr.path().is_ident("doc") {
            if let Meta::List(list) = &attr.meta {
                if render(&list.tokens) == "hidden" {
                    markers.push("#[doc(hidden)]");
                }
            }
        }
    }
    markers
}

/// The [`markers`] of `attrs`, each after a space.
fn marker_suffix(attrs: &[Attribute]) -> String {
    markers(attrs).iter().map(|m| format!(" {m}")).collect()
}

/// The predicates of the `#[cfg(..)]` attributes, compactly: `customers`, `a|b`, `!x`.
fn cfgs(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|attr| match attr.parse_args::<Meta>() {
            Ok(meta) => predicate(&meta),
            Err(_) => render(&attr.meta),
        })
        .collect()
}

fn predicate(meta: &Meta) -> String {
    match meta {
        Meta::NameValue(nv) if nv.path.is_ident("feature") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) => value.value(),
            other => render(other),
        },
        Meta::List(list) => {
            let name = list.path.get_ident().map(ToString::to_string);
            let nested = list
                .parse_args_with(Punctuated::<Meta, syn::Token![,]>::parse_terminated)
                .map(|items| items.iter().map(predicate).collect::<Vec<_>>());
            match (name.as_deref(), nested) {
                (Some("any"), Ok(items)) => group(&items, "|"),
                (Some("all"), Ok(items)) => group(&items, "&"),
                (Some("not"), Ok(items)) if items.len() == 1 => format!("!{}", items[0]),
                _ => render(meta),
            }
        }
        other => render(other),
    }
}

/// Predicates joined by `separator`, in parentheses when there are several and one of them
/// is itself compound.
fn group(items: &[String], separator: &str) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|item| {
            if items.len() > 1 && item.contains(['|', '&']) {
                format!("({item})")
            } else {
                item.clone()
            }
        })
        .collect();
    items.join(separator)
}

/// ` [a&b]` for the module's and the item's `cfg` predicates, empty when there are none.
fn features(module_cfg: &[String], attrs: &[Attribute]) -> String {
    join_features(&item_cfg(module_cfg, attrs))
}

/// The module's `cfg` predicates and the item's own.
fn item_cfg(module_cfg: &[String], attrs: &[Attribute]) -> Vec<String> {
    let mut all = module_cfg.to_vec();
    all.extend(cfgs(attrs));
    all
}

fn join_features(predicates: &[String]) -> String {
    let mut unique: Vec<&String> = Vec::new();
    for predicate in predicates {
        if !unique.contains(&predicate) {
            unique.push(predicate);
        }
    }
    if unique.is_empty() {
        return String::new();
    }
    let owned: Vec<String> = unique.into_iter().cloned().collect();
    format!(" [{}]", group(&owned, "&"))
}

/// A member's own `cfg` together with its type's, shown only when it adds to the type's.
fn member_features(type_cfg: &[String], attrs: &[Attribute]) -> String {
    let own = cfgs(attrs);
    if own.is_empty() {
        return String::new();
    }
    let text = join_features(&item_cfg(type_cfg, attrs));
    if text == join_features(type_cfg) {
        String::new()
    } else {
        text
    }
}

/// Tokens as text with Rust's usual spacing (`&'a str`, `Result<T, E>`, `impl Into<String>`),
/// the same however the source was formatted. Trailing commas are dropped, except the one that
/// makes a one-element tuple.
pub fn render(node: &impl ToTokens) -> String {
    render_tokens(node.to_token_stream())
}

/// One piece of rendered text and how it joins its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    /// Identifier, literal or lifetime.
    Word(String),
    /// Punctuation, with `::`, `->` and `=>` joined.
    Punct(String),
    /// A delimited group, already rendered with its delimiters.
    Group(Delimiter, String),
}

const KEYWORDS_BEFORE_GROUP: [&str; 9] = [
    "dyn", "impl", "for", "in", "as", "where", "mut", "const", "unsafe",
];

fn render_tokens(tokens: TokenStream) -> String {
    let atoms = atoms(tokens);
    join_atoms(&drop_trailing_commas(atoms, false))
}

fn atoms(tokens: TokenStream) -> Vec<Atom> {
    let mut out = Vec::new();
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) => out.push(Atom::Word(ident.to_string())),
            TokenTree::Literal(literal) => out.push(Atom::Word(literal.to_string())),
            TokenTree::Group(group) => {
                let inner = atoms(group.stream());
                let inner =
                    drop_trailing_commas(inner, group.delimiter() == Delimiter::Parenthesis);
                let text = join_atoms(&inner);
                let text = match group.delimiter() {
                    Delimiter::Parenthesis => format!("({text})"),
                    Delimiter::Bracket => format!("[{text}]"),
                    Delimiter::Brace if text.is_empty() => "{}".to_owned(),
                    Delimiter::Brace => format!("{{ {text} }}"),
                    Delimiter::None => text,
                };
                out.push(Atom::Group(group.delimiter(), text));
            }
            TokenTree::Punct(punct) => {
                let ch = punct.as_char();
                let joint = punct.spacing() == Spacing::Joint;
                if ch == '\'' {
                    if let Some(TokenTree::Ident(name)) = trees.peek() {
                        let lifetime = format!("'{name}");
                        trees.next();
                        out.push(Atom::Word(lifetime));
                        continue;
                    }
                }
                let next = match trees.peek() {
                    Some(TokenTree::Punct(next)) if joint => Some(next.as_char()),
                    _ => None,
                };
                let pair = match (ch, next) {
                    (':', Some(':')) => Some("::"),
                    ('-', Some('>')) => Some("->"),
                    ('=', Some('>')) => Some("=>"),
                    _ => None,
                };
                if let Some(pair) = pair {
                    trees.next();
                    out.push(Atom::Punct(pair.to_owned()));
                } else {
                    out.push(Atom::Punct(ch.to_string()));
                }
            }
        }
    }
    out
}

/// Removes commas that end a list (before `>` or at the end), keeping the comma of a
/// one-element tuple (`in_parentheses` with that comma the only one outside `<..>`).
fn drop_trailing_commas(atoms: Vec<Atom>, in_parentheses: bool) -> Vec<Atom> {
    let mut depth = 0usize;
    let mut top_level_commas = 0;
    for atom in &atoms {
        match atom {
            Atom::Punct(p) if p == "<" => depth += 1,
            Atom::Punct(p) if p == ">" => depth = depth.saturating_sub(1),
            Atom::Punct(p) if p == "," && depth == 0 => top_level_commas += 1,
            _ => {}
        }
    }
    let last = atoms.len().checked_sub(1);
    let mut kept = Vec::with_capacity(atoms.len());
    for (index, atom) in atoms.iter().enumerate() {
        if *atom == Atom::Punct(",".to_owned()) {
            let at_end = Some(index) == last;
            let before_close = matches!(atoms.get(index + 1), Some(Atom::Punct(p)) if p == ">");
            let one_tuple = at_end && in_parentheses && top_level_commas == 1 && index > 0;
            if (at_end || before_close) && !one_tuple {
                continue;
            }
        }
        kept.push(atom.clone());
    }
    kept
}

fn join_atoms(atoms: &[Atom]) -> String {
    let mut text = String::new();
    for (index, atom) in atoms.iter().enumerate() {
        if index > 0 && space_between(&atoms[index - 1], atom) {
            text.push(' ');
        }
        match atom {
            Atom::Word(word) | Atom::Punct(word) | Atom::Group(_, word) => text.push_str(word),
        }
    }
    text
}

fn space_between(before: &Atom, after: &Atom) -> bool {
    let space_after = match before {
        Atom::Word(_) | Atom::Group(..) => true,
        Atom::Punct(p) => !matches!(p.as_str(), "::" | "<" | "&" | "*" | "?" | "!" | "." | "#"),
    };
    let space_before = match after {
        Atom::Word(_) => true,
        Atom::Punct(p) => !matches!(p.as_str(), "," | ";" | ":" | "::" | "<" | ">" | "."),
        Atom::Group(Delimiter::Brace, _) => true,
        Atom::Group(..) => match before {
            Atom::Word(word) => KEYWORDS_BEFORE_GROUP.contains(&word.as_str()),
            _ => true,
        },
    };
    space_after && space_before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(files: &[(&str, &str)]) -> Vec<String> {
        let sources = files
            .iter()
            .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
            .collect();
        list(&sources).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn types_and_signatures_are_printed_with_normal_spacing() {
        let cases: [(&str, &str); 8] = [
            ("Option < Vec < String > >", "Option<Vec<String>>"),
            ("& 'a  str", "&'a str"),
            ("&mut [u8]", "&mut [u8]"),
            (
                "Result<\n  models::A,\n  rt::Error<models::E>,\n>",
                "Result<models::A, rt::Error<models::E>>",
            ),
            ("impl Into < String > + 'a", "impl Into<String> + 'a"),
            ("(i32,)", "(i32,)"),
            (
                "Box<dyn Fn(&str) -> u8 + Send>",
                "Box<dyn Fn(&str) -> u8 + Send>",
            ),
            (
                "std::pin::Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>",
                "std::pin::Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>",
            ),
        ];
        for (source, expected) in cases {
            let ty: Type = syn::parse_str(source).unwrap();
            assert_eq!(render(&ty), expected, "{source}");
        }
    }

    #[test]
    fn cfg_predicates_are_compact() {
        let attrs = |source: &str| {
            syn::parse_str::<syn::ItemStruct>(&format!("{source} struct X;"))
                .unwrap()
                .attrs
        };
        assert_eq!(cfgs(&attrs("#[cfg(feature = \"a\")]")), ["a"]);
        assert_eq!(
            cfgs(&attrs("#[cfg(any(feature = \"a\", feature = \"b\"))]")),
            ["a|b"]
        );
        assert_eq!(
            cfgs(&attrs(
                "#[cfg(all(any(feature = \"a\", feature = \"b\"), not(test)))]"
            )),
            ["(a|b)&!test"]
        );
    }

    #[test]
    fn one_line_per_public_item_named_as_users_name_it() {
        let lib = r#"
            pub mod api;
            pub mod models;
            mod private { pub struct Hidden; }
            pub use rt::{DateTime, Error as RtError};
            /// A constant.
            pub const BASE_URL: &str = "https://example.com";
            pub struct Client { raw: u8 }
            impl Client {
                pub fn builder() -> ClientBuilder { todo!() }
                #[cfg(feature = "pets")]
                pub fn pets(&self) -> api::Pets<'_> { todo!() }
                pub(crate) fn secret(&self) {}
                fn private(&self) {}
            }
            impl From<u8> for Client { fn from(raw: u8) -> Self { Client { raw } } }
            pub type ClientBuilder = rt::ClientBuilder<Client>;
        "#;
        let api = r#"
            #[cfg(feature = "pets")]
            mod pets;
            #[cfg(feature = "pets")]
            pub use pets::*;
        "#;
        let pets = r#"
            pub struct Pets<'a> { client: &'a crate::Client }
            impl<'a> Pets<'a> {
                pub(crate) fn new(client: &'a crate::Client) -> Self { Self { client } }
                pub fn get_pet(
                    &self,
                    pet_id: i64,
                ) -> GetPetRequest<'a> { todo!() }
            }
            #[derive(Debug, Clone)]
            pub struct GetPetRequest<'a> { client: &'a crate::Client, tag: Option<String> }
            impl<'a> GetPetRequest<'a> {
                pub fn tag(mut self, value: impl Into<String>) -> Self { self }
                pub async fn send(self) -> Result<models::Pet, rt::Error<models::E>> { todo!() }
            }
            impl<'a> std::future::IntoFuture for GetPetRequest<'a> {
                type Output = ();
                type IntoFuture = ();
                fn into_future(self) -> Self::IntoFuture {}
            }
        "#;
        let models = r#"
            #[cfg(any(feature = "pets", feature = "owners"))]
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(rename_all = "camelCase")]
            pub struct Pet {
                pub name: String,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub tag: Option<String>,
                #[deprecated]
                pub legacy: Option<i32>,
                secret: u8,
            }
            #[cfg(feature = "pets")]
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            pub enum Kind { Cat, Dog, Unknown(String) }
            #[cfg(feature = "pets")]
            impl Kind { pub fn as_str(&self) -> &str { "" } }
            #[cfg(feature = "pets")]
            impl std::fmt::Display for Kind {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { todo!() }
            }
            #[cfg(feature = "pets")]
            impl<'de> serde::Deserialize<'de> for Kind {}
            struct NotPublic;
            impl NotPublic { pub fn no(&self) {} }
        "#;
        let lines = listing(&[
            ("lib.rs", lib),
            ("api/mod.rs", api),
            ("api/pets.rs", pets),
            ("models.rs", models),
            ("unused.rs", "pub struct NeverCompiled;"),
        ]);
        assert_eq!(
            lines,
            [
                "const BASE_URL: &str = \"https://example.com\"",
                "struct Client impl(From<u8>)",
                "fn Client::builder() -> ClientBuilder",
                "fn Client::pets(&self) -> api::Pets<'_> [pets]",
                "type ClientBuilder = rt::ClientBuilder<Client>",
                "use DateTime = rt::DateTime",
                "use RtError = rt::Error",
                "struct api::GetPetRequest<'a> derive(Clone, Debug) impl(std::future::IntoFuture) [pets]",
                "async fn api::GetPetRequest::send(self) -> Result<models::Pet, rt::Error<models::E>>",
                "fn api::GetPetRequest::tag(self, value: impl Into<String>) -> Self",
                "struct api::Pets<'a> [pets]",
                "fn api::Pets::get_pet(&self, pet_id: i64) -> GetPetRequest<'a>",
                "enum models::Kind derive(Clone, Debug, Eq, Hash, PartialEq) impl(serde::Deserialize<'de>, std::fmt::Display) [pets]",
                "variant models::Kind::Cat",
                "variant models::Kind::Dog",
                "variant models::Kind::Unknown(String)",
                "fn models::Kind::as_str(&self) -> &str",
                "struct models::Pet derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize) [pets|owners]",
                "field models::Pet.legacy: Option<i32> #[deprecated]",
                "field models::Pet.name: String",
                "field models::Pet.tag: Option<String>",
            ]
        );
    }

    #[test]
    fn a_missing_module_file_or_bad_source_names_the_file() {
        let sources = BTreeMap::from([("lib.rs".to_owned(), "pub mod gone;".to_owned())]);
        let error = list(&sources).unwrap_err();
        assert_eq!(error.file, "lib.rs");
        assert!(error.message.contains("gone.rs"), "{error}");

        let sources = BTreeMap::from([("lib.rs".to_owned(), "pub struct {".to_owned())]);
        let error = list(&sources).unwrap_err();
        assert!(error.to_string().starts_with("src/lib.rs: "), "{error}");
    }

    #[test]
    fn removed_and_added_lines() {
        let old = vec!["a".to_owned(), "b".to_owned()];
        let new = vec!["b".to_owned(), "c".to_owned()];
        assert_eq!(difference(&old, &new), (vec!["a"], vec!["c"]));
    }
}
