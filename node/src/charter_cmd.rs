//! `unionfed charter`: the founding ceremony, later versions, and joining a
//! running federation, as an affiliate's IT volunteer runs them.

use anyhow::{bail, Context};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use unionfed_node::identity::{Identity, NodeKeys};
use unionfed_node::setup;
use unionfed_node::Config;
use unionfed_protocol::{AffiliateId, CharterDocument};

#[derive(Debug, Subcommand)]
pub(crate) enum CharterCommand {
    /// Draft a genesis charter (version 1) from the founders' identity files.
    Draft {
        /// The federation's name.
        #[arg(long)]
        federation: String,
        /// Signatures a later version needs from affiliates active now.
        #[arg(long)]
        threshold: u16,
        /// Where to write the charter file.
        #[arg(long)]
        out: PathBuf,
        /// identity.json of every founding affiliate.
        #[arg(required = true)]
        identities: Vec<PathBuf>,
    },
    /// Draft the next version of a charter: add, suspend, reactivate or remove
    /// affiliates, or change the threshold. It then needs `threshold`
    /// signatures from affiliates active in the current version.
    Next {
        /// The charter in force now.
        #[arg(long)]
        from: PathBuf,
        /// Where to write the draft.
        #[arg(long)]
        out: PathBuf,
        /// identity.json of an affiliate to add (repeatable).
        #[arg(long)]
        add: Vec<PathBuf>,
        /// Affiliate code to suspend (repeatable).
        #[arg(long)]
        suspend: Vec<AffiliateId>,
        /// Affiliate code to make active again (repeatable).
        #[arg(long)]
        reactivate: Vec<AffiliateId>,
        /// Affiliate code to remove from the charter (repeatable).
        #[arg(long)]
        remove: Vec<AffiliateId>,
        /// New threshold for the version after this one.
        #[arg(long)]
        threshold: Option<u16>,
    },
    /// Sign a charter file with this node's affiliate key (in place), and
    /// say which signatures are still missing.
    Sign {
        #[arg(long)]
        data_dir: PathBuf,
        charter: PathBuf,
        /// The version this one succeeds (for v2 and later), to count the
        /// signatures against; default: the data folder's charter file when
        /// it is that version.
        #[arg(long)]
        previous: Option<PathBuf>,
    },
    /// Download a charter version from a running node (any node of the
    /// federation serves it, without a token).
    Fetch {
        /// The node's HTTP address, e.g. https://node.mtuc.example
        #[arg(long)]
        from: String,
        /// The version: 1 for the genesis, whose hash a joining affiliate
        /// confirms; default the latest.
        #[arg(long)]
        version: Option<u32>,
        /// Where to write the charter file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Submit a signed charter version to a running node, which adopts it
    /// and passes it to every peer.
    Submit {
        /// The node's HTTP address.
        #[arg(long, default_value = "http://127.0.0.1:8100")]
        to: String,
        /// An admin's token (or set UNIONFED_TOKEN).
        #[arg(long, env = "UNIONFED_TOKEN", hide_env_values = true)]
        token: String,
        charter: PathBuf,
    },
    /// Prepare a new affiliate's node to join a running federation: the
    /// charter version that lists it, and the hash of the federation's
    /// genesis charter, confirmed with another affiliate by phone or in
    /// person. On its first `unionfed run` the node fetches every version
    /// from its peers and starts only if they lead back to that genesis.
    Join {
        #[arg(long)]
        data_dir: PathBuf,
        /// The charter version that lists this affiliate.
        #[arg(long)]
        charter: PathBuf,
        /// SHA-256 of the genesis charter (64 hex digits), as
        /// `unionfed charter show` prints it for version 1.
        #[arg(long)]
        genesis: String,
    },
    /// Print a charter file.
    Show { charter: PathBuf },
    /// Check a genesis charter, or a successor against the version before it.
    Verify {
        charter: PathBuf,
        /// The version this one succeeds; omit for a genesis charter.
        #[arg(long)]
        previous: Option<PathBuf>,
    },
}

pub(crate) async fn run(command: CharterCommand) -> anyhow::Result<()> {
    match command {
        CharterCommand::Draft {
            federation,
            threshold,
            out,
            identities,
        } => {
            let ids = identities
                .iter()
                .map(|p| Identity::read(p))
                .collect::<Result<Vec<_>, _>>()?;
            let doc = setup::draft_genesis(&federation, threshold, &ids)?;
            setup::write_charter(&out, &doc)?;
            println!(
                "Wrote {} (v1, {} affiliates, threshold {threshold}). Each founder now runs:",
                out.display(),
                ids.len()
            );
            println!(
                "  unionfed charter sign --data-dir <their data folder> {}",
                out.display()
            );
        }
        CharterCommand::Next {
            from,
            out,
            add,
            suspend,
            reactivate,
            remove,
            threshold,
        } => {
            use unionfed_protocol::charter::AffiliateStatus;
            let current_doc = setup::read_charter(&from)?;
            let mut next = current_doc.charter()?;
            next.version += 1;
            next.previous = Some(current_doc.hash());
            next.issued_at = unionfed_node::node::now();
            for path in &add {
                let identity = Identity::read(path)?;
                if next.affiliate(&identity.affiliate).is_some() {
                    bail!("{} is already in the charter", identity.affiliate);
                }
                next.affiliates
                    .push(identity.charter_affiliate(next.issued_at)?);
            }
            let mut set_status =
                |ids: &[AffiliateId], status: AffiliateStatus| -> anyhow::Result<()> {
                    for id in ids {
                        let a = next
                            .affiliates
                            .iter_mut()
                            .find(|a| &a.id == id)
                            .with_context(|| format!("{id} is not in the charter"))?;
                        a.status = status;
                    }
                    Ok(())
                };
            set_status(&suspend, AffiliateStatus::Suspended)?;
            set_status(&reactivate, AffiliateStatus::Active)?;
            for id in &remove {
                let before = next.affiliates.len();
                next.affiliates.retain(|a| &a.id != id);
                if next.affiliates.len() == before {
                    bail!("{id} is not in the charter");
                }
            }
            if let Some(t) = threshold {
                next.threshold = t;
            }
            let doc = unionfed_protocol::CharterDocument::draft(&next)?;
            setup::write_charter(&out, &doc)?;
            let current = current_doc.charter()?;
            println!(
                "Wrote {} (v{}). It needs {} signatures from affiliates active in v{}; each runs:",
                out.display(),
                next.version,
                current.threshold,
                current.version
            );
            println!(
                "  unionfed charter sign --data-dir <their data folder> {}",
                out.display()
            );
            println!(
                "then submit it to any node: unionfed charter submit --to <node URL> {}",
                out.display()
            );
        }
        CharterCommand::Sign {
            data_dir,
            charter,
            previous,
        } => sign(&data_dir, &charter, previous.as_deref())?,
        CharterCommand::Fetch { from, version, out } => fetch(&from, version, &out).await?,
        CharterCommand::Submit { to, token, charter } => submit(&to, &token, &charter).await?,
        CharterCommand::Join {
            data_dir,
            charter,
            genesis,
        } => join(&data_dir, &charter, &genesis)?,
        CharterCommand::Show { charter } => {
            let doc = setup::read_charter(&charter)?;
            let c = doc.charter()?;
            println!("{} — charter v{}", c.federation, c.version);
            println!("hash: {}", hex::encode(doc.hash()));
            println!("threshold: {}  issued at: {}", c.threshold, c.issued_at);
            for a in &c.affiliates {
                let signed = doc.signatures.iter().any(|s| s.affiliate == a.id);
                println!(
                    "  {:<10} {:<2} {:<9} {}{}",
                    a.id.as_str(),
                    a.country.as_str(),
                    format!("{:?}", a.status).to_lowercase(),
                    a.name,
                    if signed { "  [signed]" } else { "" }
                );
            }
        }
        CharterCommand::Verify { charter, previous } => {
            let doc = setup::read_charter(&charter)?;
            let c = match previous {
                None => doc.verify_genesis()?,
                Some(p) => {
                    let prev = setup::read_charter(&p)?;
                    doc.verify_successor(&prev.charter()?, &prev.hash())?
                }
            };
            println!(
                "charter v{} is valid ({} affiliates).",
                c.version,
                c.affiliates.len()
            );
        }
    }
    Ok(())
}

fn sign(data_dir: &Path, charter: &Path, previous: Option<&Path>) -> anyhow::Result<()> {
    let config = Config::load(data_dir)?;
    let keys = NodeKeys::load(data_dir)?;
    let mut doc = setup::read_charter(charter)?;
    let c = doc.charter()?;
    let listed = c
        .affiliate(&config.affiliate)
        .with_context(|| format!("charter v{} does not list {}", c.version, config.affiliate))?;
    if c.version == 1
        && !listed
            .signing_keys
            .iter()
            .any(|k| k.key == keys.signing.public())
    {
        bail!(
            "the charter lists another signing key for {}; is this the right data folder?",
            config.affiliate
        );
    }
    doc.sign(&config.affiliate, &keys.signing);
    setup::write_charter(charter, &doc)?;
    println!("Signed {} as {}.", charter.display(), config.affiliate);
    if c.version == 1 {
        match doc.verify_genesis() {
            Ok(_) => println!(
                "The charter is complete: copy it to every founder's data folder as charter.ufc."
            ),
            Err(e) => println!("Still needed: {e}"),
        }
        return Ok(());
    }
    let in_folder = data_dir.join(&config.charter_file);
    let before = match previous {
        Some(p) => Some(setup::read_charter(p)?),
        None => setup::read_charter(&in_folder)
            .ok()
            .filter(|d| d.charter().is_ok_and(|p| p.version + 1 == c.version)),
    };
    let Some(before) = before else {
        let signed: Vec<&str> = doc
            .signatures
            .iter()
            .map(|s| s.affiliate.as_str())
            .collect();
        println!(
            "Signed so far by: {}. Whether that is enough depends on v{}: run `unionfed charter sign` with --previous <v{} file> (download it with `unionfed charter fetch --version {}`).",
            signed.join(", "),
            c.version - 1,
            c.version - 1,
            c.version - 1
        );
        return Ok(());
    };
    match doc.verify_successor(&before.charter()?, &before.hash()) {
        Ok(_) => println!(
            "v{} has the signatures it needs: submit it to any node with `unionfed charter submit --to <node URL> {}`.",
            c.version,
            charter.display()
        ),
        Err(e) => println!("Still needed: {e}"),
    }
    Ok(())
}

fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

async fn fetch(from: &str, version: Option<u32>, out: &Path) -> anyhow::Result<()> {
    let which = version.map_or_else(|| "latest".to_owned(), |v| v.to_string());
    let url = format!("{}/api/v1/charters/{which}", base(from));
    let response = reqwest::get(&url)
        .await
        .with_context(|| format!("cannot reach the node at {from}"))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .context("the node's answer broke off")?;
    if !status.is_success() {
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        bail!("{from} answered {status}: {}", body["message"]);
    }
    let doc = CharterDocument::from_file(&bytes)
        .with_context(|| format!("{url} did not send a charter file"))?;
    let c = doc.charter()?;
    setup::write_charter(out, &doc)?;
    println!(
        "Wrote {} ({}, v{}).",
        out.display(),
        c.federation,
        c.version
    );
    println!("hash: {}", hex::encode(doc.hash()));
    if c.version == 1 {
        println!(
            "Confirm this hash with another affiliate by phone or in person before you use it."
        );
    }
    Ok(())
}

async fn submit(to: &str, token: &str, charter: &Path) -> anyhow::Result<()> {
    let doc = setup::read_charter(charter)?;
    let c = doc.charter()?;
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/charter", base(to)))
        .bearer_auth(token)
        .json(&serde_json::json!({ "charter": hex::encode(doc.to_file()?) }))
        .send()
        .await
        .with_context(|| format!("cannot reach the node at {to}; is `unionfed run` running?"))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .context("the node's answer is not JSON")?;
    if !status.is_success() {
        bail!("the node refused v{}: {}", c.version, body["message"]);
    }
    if body["adopted"].as_bool() == Some(true) {
        println!(
            "The node adopted v{} and passes it to its peers.",
            body["version"]
        );
    } else {
        println!(
            "The node holds v{} already; v{} changed nothing.",
            body["version"], c.version
        );
    }
    Ok(())
}

fn join(data_dir: &Path, charter: &Path, genesis: &str) -> anyhow::Result<()> {
    let mut config = Config::load(data_dir)?;
    let keys = NodeKeys::load(data_dir)?;
    let doc = setup::read_charter(charter)?;
    let c = doc.charter()?;
    let listed = c.affiliate(&config.affiliate).with_context(|| {
        format!(
            "charter v{} does not list {}; ask the federation for the version that adds it",
            c.version, config.affiliate
        )
    })?;
    if !listed
        .signing_keys
        .iter()
        .any(|k| k.key == keys.signing.public())
    {
        bail!(
            "charter v{} lists another signing key for {}; is this the right data folder?",
            c.version,
            config.affiliate
        );
    }
    config.genesis_charter_sha256 = Some(genesis.trim().to_lowercase());
    config.validate()?;
    let store_dir = data_dir.join("store");
    if store_dir.exists() {
        let store = unionfed_node::storage::Store::open(&store_dir)
            .context("cannot open the node's store; stop the node first")?;
        if let Some(held) = store.charter()? {
            bail!(
                "this node has started before and holds charter v{}; it fetches later versions from its peers by itself",
                held.charter()?.version
            );
        }
    }
    if c.version == 1 && hex::encode(doc.hash()) != genesis.trim().to_lowercase() {
        bail!(
            "{} is a genesis charter whose hash is not {genesis}",
            charter.display()
        );
    }
    setup::write_charter(&data_dir.join(&config.charter_file), &doc)?;
    config.write(data_dir)?;
    println!(
        "Ready to join {} (v{}). Start the node with `unionfed run --data-dir {}`: it fetches every charter version from its peers and starts only if they lead back to the genesis {}.",
        c.federation,
        c.version,
        data_dir.display(),
        genesis.trim()
    );
    Ok(())
}
