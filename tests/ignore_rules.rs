//! Ignore files as ripgrep's walker reads them: on generated vaults (folders, notes, hidden
//! entries, `.export-ignore` files, and in a git repository `.gitignore` and `.ignore` files,
//! with negations, anchored and folder patterns), a recursive read lists exactly the notes that
//! the `ignore` crate's own walker lists for the same rules, on both runtimes and every
//! strategy; and `--exclude`'s globs leave out what they match.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{temp, write_files};
use futures_util::StreamExt;
use proptest::prelude::{ProptestConfig, any, prop, prop_assert_eq, proptest};
use proptest::strategy::Strategy as _;
use smartnotes::{Options, RuntimeKind, Store, StoreExt, StoreJob, Strategy};

/// The patterns the generated ignore files are made of.
const PATTERNS: &[&str] = &[
    "a.md",
    "*.md",
    "!b.md",
    "sub/",
    "/c.md",
    "sub/*.md",
    "deep/",
    "!sub/",
    "x*",
    "**/d.md",
    "!deep/keep.md",
    "b*",
    "/sub",
    "*/c.md",
];
const FOLDERS: &[&str] = &["", "sub", "deep", "sub/deep", "other"];
const NAMES: &[&str] = &["a.md", "b.md", "c.md", "d.md", "keep.md", "x1.md", ".h.md"];
const IGNORE_NAMES: &[&str] = &[".export-ignore", ".gitignore", ".ignore"];

/// A vault: notes by path, ignore files by (folder, file name, patterns), in a git repository
/// or not.
#[derive(Clone, Debug)]
struct Vault {
    notes: Vec<String>,
    ignores: Vec<(String, String, Vec<String>)>,
    git: bool,
}

fn vault() -> impl proptest::strategy::Strategy<Value = Vault> {
    let note = (0..FOLDERS.len(), 0..NAMES.len()).prop_map(|(f, n)| join(FOLDERS[f], NAMES[n]));
    let ignore = (
        0..FOLDERS.len(),
        0..IGNORE_NAMES.len(),
        prop::collection::vec(0..PATTERNS.len(), 1..4),
    )
        .prop_map(|(f, n, ps)| {
            let patterns = ps.into_iter().map(|p| PATTERNS[p].to_owned()).collect();
            (FOLDERS[f].to_owned(), IGNORE_NAMES[n].to_owned(), patterns)
        });
    (
        prop::collection::vec(note, 1..12),
        prop::collection::vec(ignore, 0..4),
        any::<bool>(),
    )
        .prop_map(|(notes, ignores, git)| Vault {
            notes,
            ignores,
            git,
        })
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

fn write(dir: &Path, vault: &Vault) {
    let notes: Vec<(String, Vec<u8>)> = vault
        .notes
        .iter()
        .map(|n| (n.clone(), format!("# {n}\n").into_bytes()))
        .collect();
    let refs: Vec<(&str, &[u8])> = notes.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
    write_files(dir, &refs);
    for (folder, name, patterns) in &vault.ignores {
        let path = dir.join(join(folder, name));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        for p in patterns {
            text.push_str(p);
            text.push('\n');
        }
        std::fs::write(path, text).unwrap();
    }
    if vault.git {
        std::fs::create_dir_all(dir.join(".git")).unwrap();
    }
}

/// What ripgrep's walker lists: hidden entries skipped, `.export-ignore` everywhere,
/// `.gitignore` and `.ignore` in a git repository, nothing from above the root or global.
fn reference(root: &Path, git: bool) -> BTreeSet<PathBuf> {
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .parents(false)
        .git_global(false)
        .git_exclude(false)
        .git_ignore(true)
        .require_git(true)
        .ignore(git)
        .add_custom_ignore_filename(".export-ignore")
        .sort_by_file_name(|a, b| a.cmp(b))
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect()
}

struct Read<'a> {
    root: &'a Path,
    strategy: Strategy,
}

impl StoreJob for Read<'_> {
    type Output = BTreeSet<PathBuf>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let opts = Options::default()
            .with_recursive(true)
            .with_strategy(self.strategy);
        fs.read_notes_with(self.root, &opts)
            .map(|item| item.expect("a note").path)
            .collect()
            .await
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_read_lists_what_ripgreps_walker_lists(vault in vault()) {
        let dir = temp();
        // The repository, when there is one, is the temporary folder: nothing above it counts.
        let root = dir.path().join("vault");
        std::fs::create_dir_all(&root).unwrap();
        write(&root, &vault);
        let expected = reference(&root, vault.git);
        for kind in RuntimeKind::ALL {
            for strategy in [Strategy::Sequential, Strategy::concurrent(4), Strategy::default()] {
                let read = kind.block_on(Read { root: &root, strategy });
                prop_assert_eq!(&read, &expected, "{} {} {:?}", kind, strategy, vault);
            }
        }
    }
}

/// `--exclude` globs (`Options::exclude_globs`), counted as ignored, and turned off with
/// `--no-ignore`'s library twin only for the files, never for the globs.
#[test]
fn exclude_globs_leave_out_what_they_match() {
    for kind in RuntimeKind::ALL {
        let dir = temp();
        write_files(
            dir.path(),
            &[
                ("a.md", b"# A\n"),
                ("drafts/b.md", b"# B\n"),
                ("c.tmp.md", b"# C\n"),
                (".export-ignore", b"a.md\n"),
            ],
        );
        struct Export<'a>(&'a Path, Options);
        impl StoreJob for Export<'_> {
            type Output = (usize, usize);
            async fn run<S: Store>(self, fs: S) -> (usize, usize) {
                let report = fs
                    .pipeline_with(self.0, self.0.join("out-x"), &self.1)
                    .await
                    .unwrap();
                (report.exported.len(), report.ignored)
            }
        }
        let globs = Options::default()
            .with_recursive(true)
            .with_exclude_glob("drafts/")
            .with_exclude_glob("*.tmp.md");
        assert_eq!(
            kind.block_on(Export(dir.path(), globs.clone())),
            (0, 3),
            "{kind}"
        );
        let files_off = globs.with_ignore_files(false);
        let out = dir.path().join("out-x");
        std::fs::remove_dir_all(&out).unwrap();
        assert_eq!(
            kind.block_on(Export(dir.path(), files_off)),
            (1, 2),
            "{kind}"
        );
    }
}
