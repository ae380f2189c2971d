//! Ignore files as ripgrep's walker reads them: on generated vaults (folders, notes, hidden
//! entries, `.export-ignore` files, and in a git repository `.gitignore` and `.ignore` files,
//! with negations, anchored and folder patterns), a recursive read lists exactly the notes that
//! the `ignore` crate's own walker lists for the same rules, on both runtimes and every
//! strategy; the same on the Obsidian help vault's own folder tree (2,300 notes in 18
//! languages) with its `.gitignore`, `.export-ignore` files and `--exclude` globs; and
//! `--exclude`'s globs leave out what they match.

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

/// The case the property found: ripgrep ranks the kind of ignore file before the depth, so a
/// root `.export-ignore`'s `!b.md` keeps a note that a deeper `.gitignore`'s `b*` leaves out.
#[test]
fn a_custom_ignore_file_above_wins_over_a_gitignore_below() {
    let dir = temp();
    let root = dir.path().join("vault");
    std::fs::create_dir_all(&root).unwrap();
    let vault = Vault {
        notes: vec!["other/b.md".into(), "other/c.md".into()],
        ignores: vec![
            (
                "other".into(),
                ".gitignore".into(),
                vec!["b*".into(), "c*".into()],
            ),
            ("".into(), ".export-ignore".into(), vec!["!b.md".into()]),
        ],
        git: true,
    };
    write(&root, &vault);
    let expected = reference(&root, true);
    assert_eq!(expected, BTreeSet::from([root.join("other/b.md")]));
    for kind in RuntimeKind::ALL {
        for strategy in [Strategy::Sequential, Strategy::default()] {
            let read = kind.block_on(Read {
                root: &root,
                strategy,
            });
            assert_eq!(read, expected, "{kind} {strategy}");
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

/// The Obsidian help vault's folder tree (its Markdown paths, `tests/data`), in a git
/// repository, with the vault's own `.gitignore`, a root `.export-ignore` and a nested one, a
/// nested `.gitignore` with a negation, and two `--exclude` globs: a recursive read lists
/// exactly what ripgrep's walker lists for the same files (the globs applied to its list, as
/// they win over every ignore file), on both runtimes and every strategy; and an export of it
/// exports that many notes and counts what was left out.
#[test]
fn the_obsidian_help_vault_reads_what_ripgreps_walker_lists() {
    let dir = temp();
    let root = dir.path().join("obsidian-help");
    let paths: Vec<&str> = include_str!("data/obsidian-help-paths.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect();
    assert!(paths.len() > 2_000, "the vault's listing");
    for path in &paths {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, format!("# {path}\n\nText.\n")).unwrap();
    }
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let rules: &[(&str, &str)] = &[
        // The vault's own .gitignore (its lines that name files), as committed.
        (".gitignore", ".DS_Store\n._*\n.trash\n.obsidian\n"),
        // A publisher leaving out the release notes and one language, but not its Bases.
        (".export-ignore", "Release notes/\n/ja/*\n!/ja/Bases/\n"),
        // Inside a language: a folder, with one note kept, and a file pattern.
        (
            "en/.gitignore",
            "Obsidian Publish/*\n!Obsidian Publish/Introduction*\n*Sync*.md\n",
        ),
        ("de/Erweiterungen/.export-ignore", "*.md\n!Canvas.md\n"),
    ];
    for (file, text) in rules {
        std::fs::write(root.join(file), text).unwrap();
    }
    let globs = ["**/Teams/", "zh/**/*.md"];
    let mut excluded = ignore::gitignore::GitignoreBuilder::new(&root);
    for glob in globs {
        excluded.add_line(None, glob).unwrap();
    }
    let excluded = excluded.build().unwrap();
    let expected: BTreeSet<PathBuf> = reference(&root, true)
        .into_iter()
        .filter(|p| !excluded.matched_path_or_any_parents(p, false).is_ignore())
        .collect();
    assert!(
        (500..paths.len() - 300).contains(&expected.len()),
        "the rules leave some out and keep most: {}",
        expected.len()
    );
    for kind in RuntimeKind::ALL {
        for strategy in [
            Strategy::Sequential,
            Strategy::concurrent(8),
            Strategy::blocking(),
            Strategy::default(),
        ] {
            let read = kind.block_on(ReadWith {
                root: &root,
                strategy,
                globs: &globs,
            });
            assert!(
                read == expected,
                "{kind} {strategy}: {} read, {} expected; only read: {:?}; only expected: {:?}",
                read.len(),
                expected.len(),
                read.difference(&expected).take(5).collect::<Vec<_>>(),
                expected.difference(&read).take(5).collect::<Vec<_>>(),
            );
        }
    }
    // The export itself, through the binary's library path: every listed note exported.
    struct Export<'a>(&'a Path, &'a Path, &'a [&'a str]);
    impl StoreJob for Export<'_> {
        type Output = (usize, usize, usize);
        async fn run<S: Store>(self, fs: S) -> Self::Output {
            let mut opts = Options::default().with_recursive(true);
            for glob in self.2 {
                opts = opts.with_exclude_glob(*glob);
            }
            let report = fs.pipeline_with(self.0, self.1, &opts).await.unwrap();
            (report.exported.len(), report.skipped.len(), report.ignored)
        }
    }
    let out = dir.path().join("published");
    let (exported, skipped, ignored) = RuntimeKind::ALL[0].block_on(Export(&root, &out, &globs));
    assert_eq!((exported, skipped), (expected.len(), 0));
    assert!(ignored > 0);
}

/// A recursive read with exclude globs.
struct ReadWith<'a> {
    root: &'a Path,
    strategy: Strategy,
    globs: &'a [&'a str],
}

impl StoreJob for ReadWith<'_> {
    type Output = BTreeSet<PathBuf>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let mut opts = Options::default()
            .with_recursive(true)
            .with_strategy(self.strategy);
        for glob in self.globs {
            opts = opts.with_exclude_glob(*glob);
        }
        fs.read_notes_with(self.root, &opts)
            .map(|item| item.expect("a note").path)
            .collect()
            .await
    }
}
