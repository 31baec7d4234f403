//! `shangliang admin …` and `shangliang audit …`: what the console does, for
//! whoever runs the binary (on the command line's authority, audited as
//! 命令行), plus the first region and administrator of an empty database.
use anyhow::Context;
use clap::Subcommand;
use domain::{Grant, Password, RegionLevel, Role, Scope, Username};
use store::{Authority, Store};

#[derive(Subcommand)]
pub enum Admin {
    /// On an empty database: the region tree down to the region to run
    /// (names from the top, separated by /) and its first administrator,
    /// whose password comes from SHANGLIANG_PASSWORD or --password.
    Bootstrap {
        /// e.g. 江苏省/淮安市/涟水县/陈师街道
        #[arg(long)]
        region: String,
        /// The level of the first name: province, city, county, township or village.
        #[arg(long, default_value = "province")]
        top_level: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, env = "SHANGLIANG_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Create a user who signs in with a password (read from SHANGLIANG_PASSWORD or --password).
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long, env = "SHANGLIANG_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Grant a role: resident (global); committee_member, leader, admin (--region);
    /// convener (--room); department_staff, department_head (--department).
    Grant {
        #[command(flatten)]
        role: RoleArgs,
    },
    /// Take a role away (the person is signed out everywhere).
    Revoke {
        #[command(flatten)]
        role: RoleArgs,
    },
    /// List officials and members with their roles (all, or those with a place in --region).
    Users {
        /// Region id or exact name.
        #[arg(long)]
        region: Option<String>,
    },
    /// Disable an account: it is signed out and cannot sign in.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Set a temporary password (printed) that must be changed at the next sign-in.
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Clear an official's second factor (a lost phone): they are signed
    /// out and set it up again at their next sign-in.
    ResetSecondFactor {
        #[arg(long)]
        username: String,
    },
    /// Import rooms, departments and people from an XLSX workbook (sheets
    /// 议事室, 部门, 人员, as `export` writes them) or a CSV of one sheet: every
    /// row's outcome and every error is printed; nothing is written when
    /// there is an error, or with --dry-run.
    Import {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Export every region's (or --region's) rooms, departments and people
    /// as the XLSX workbook `import` reads.
    Export {
        file: std::path::PathBuf,
        /// Region id or exact name.
        #[arg(long)]
        region: Option<String>,
    },
    /// Enter the holiday schedules of a new State Council notice, each year
    /// whole: FILE has `date,kind,name` lines (kind `off` or `work`), as
    /// crates/store/data/holidays.csv has them.
    CalendarImport {
        file: std::path::PathBuf,
        /// The year the file covers.
        #[arg(long)]
        year: i32,
        /// The notice it comes from (title and number).
        #[arg(long)]
        source: String,
    },
    /// Print each day of a year as the calendar counts it: `date 1` for a
    /// working day, `date 0` for a day off.
    CalendarDays { year: i32 },
    /// Issue a key another system (Open311 client, 12345 hotline) posts
    /// topics with into --region's rooms; prints the key, shown once.
    ApiKey {
        /// Region id or exact name.
        #[arg(long)]
        region: String,
        /// Who uses it, e.g. 涟水县12345热线.
        #[arg(long)]
        name: String,
    },
}

/// Whose role, which role, where.
#[derive(clap::Args)]
pub struct RoleArgs {
    #[arg(long)]
    username: String,
    #[arg(long)]
    role: String,
    /// Region id or exact name.
    #[arg(long)]
    region: Option<String>,
    /// Room code.
    #[arg(long)]
    room: Option<String>,
    /// Department code.
    #[arg(long)]
    department: Option<String>,
}

#[derive(Subcommand)]
pub enum Audit {
    /// Walk the whole audit chain; exits with status 1 if anything is wrong.
    Verify {
        /// A chain head printed to the log earlier (SEQ:HASH); may repeat.
        #[arg(long = "checkpoint")]
        checkpoints: Vec<String>,
    },
    /// Print the chain's head (SEQ:HASH), to keep somewhere else.
    Head,
}

async fn region_by(store: &Store, r: &str) -> anyhow::Result<store::Region> {
    let regions = store.regions().await?;
    regions
        .into_iter()
        .find(|x| x.name == r || x.id.to_string() == r)
        .with_context(|| format!("no such region: {r}"))
}

async fn user_by(store: &Store, username: &str) -> anyhow::Result<store::User> {
    store
        .user_by_username(username)
        .await?
        .with_context(|| format!("no such user: {username}"))
}

impl RoleArgs {
    async fn resolve(&self, store: &Store) -> anyhow::Result<(store::User, Grant)> {
        let user = user_by(store, &self.username).await?;
        let role = Role::parse(&self.role).context("unknown role")?;
        let scope = if let Some(r) = &self.region {
            Scope::Region(region_by(store, r).await?.path)
        } else if let Some(code) = &self.room {
            Scope::Room(store.room_by_code(code).await?.id)
        } else if let Some(code) = &self.department {
            Scope::Department(store.department_by_code(code).await?.id)
        } else {
            Scope::Global
        };
        Ok((user, Grant::new(role, scope)?))
    }
}

pub async fn admin(store: &Store, a: Admin) -> anyhow::Result<()> {
    let by = Authority::CommandLine;
    match a {
        Admin::Bootstrap {
            region,
            top_level,
            username,
            name,
            password,
        } => bootstrap(store, &region, &top_level, &username, &name, &password).await?,
        Admin::CreateUser {
            username,
            name,
            title,
            password,
        } => {
            let username = Username::parse(&username)?;
            let password = Password::parse(&password)?;
            let hash = web::hash_password(password).await?;
            let id = store
                .create_user(store::NewUser {
                    username: Some(&username),
                    phone: None,
                    display_name: name.trim(),
                    title: title.trim(),
                    categories: &[],
                    password_hash: Some(hash),
                })
                .await?;
            println!("已创建用户 {username}（id {id}）");
        }
        Admin::Grant { role } => {
            let (user, grant) = role.resolve(store).await?;
            if grant.role == Role::Resident {
                store.grant(user.id, &grant).await?;
            } else {
                store.admin_grant(by, user.id, &grant).await?;
            }
            println!("已授予 {} {} 角色", role.username, grant.role.label_zh());
        }
        Admin::Revoke { role } => {
            let (user, grant) = role.resolve(store).await?;
            store.admin_revoke(by, user.id, &grant).await?;
            println!("已撤销 {} 的{}角色", role.username, grant.role.label_zh());
        }
        Admin::Users { region } => {
            let regions = match region {
                Some(r) => vec![region_by(store, &r).await?.path],
                None => Vec::new(),
            };
            for p in store.admin_people(&regions).await? {
                let grants: Vec<String> = p
                    .grants
                    .iter()
                    .map(|g| {
                        let (kind, id) = store::scope_code(&g.scope);
                        format!("{}@{kind}:{id}", g.role.code())
                    })
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    p.user.username.as_ref().map_or("-", |u| u.as_str()),
                    p.user.display_name,
                    if p.user.disabled { "停用" } else { "正常" },
                    if p.second_factor {
                        "动态验证码"
                    } else {
                        "-"
                    },
                    grants.join(" ")
                );
            }
        }
        Admin::Disable { username } => {
            let user = user_by(store, &username).await?;
            store.admin_set_disabled(by, user.id, true).await?;
            println!("已停用 {username}");
        }
        Admin::Enable { username } => {
            let user = user_by(store, &username).await?;
            store.admin_set_disabled(by, user.id, false).await?;
            println!("已启用 {username}");
        }
        Admin::ResetPassword { username } => {
            let user = user_by(store, &username).await?;
            let temporary = web::temporary_password();
            let hash = web::hash_password(Password::parse(&temporary)?).await?;
            store.admin_reset_password(by, user.id, hash).await?;
            println!("已重置 {username} 的密码，临时密码：{temporary}（首次登录须修改）");
        }
        Admin::ResetSecondFactor { username } => {
            let user = user_by(store, &username).await?;
            store.admin_reset_second_factor(by, user.id).await?;
            println!("已重置 {username} 的动态验证码，下次登录时重新开启");
        }
        Admin::Import { file, dry_run } => {
            let bytes = std::fs::read(&file)?;
            let (plan, passwords) = web::import_file(store, by, &bytes, !dry_run)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for row in &plan.rows {
                let what = match &row.change {
                    store::Change::Create => "新增".to_owned(),
                    store::Change::Update(f) => format!("修改：{}", f.join("、")),
                    store::Change::Same => "不变".to_owned(),
                };
                println!("{}\t第{}行\t{}\t{what}", row.sheet, row.row, row.key);
            }
            for e in &plan.errors {
                eprintln!("{}", e.text_zh());
            }
            anyhow::ensure!(
                plan.errors.is_empty(),
                "{} error(s): nothing imported",
                plan.errors.len()
            );
            for (login, password) in &passwords {
                println!("临时密码\t{login}\t{password}");
            }
            if dry_run {
                println!("预览完毕，未写入（去掉 --dry-run 即导入）");
            } else {
                println!("已导入 {} 行", plan.rows.len());
            }
        }
        Admin::Export { file, region } => {
            let regions = match region {
                Some(r) => vec![region_by(store, &r).await?.path],
                None => Vec::new(),
            };
            let bytes = web::export_xlsx(store, &regions)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&file, bytes)?;
            println!("已导出到 {}", file.display());
        }
        Admin::CalendarImport { file, year, source } => {
            let days = std::fs::read_to_string(&file)?;
            let schedules = domain::parse_schedules(&days, &format!("{year},{source}"))?;
            anyhow::ensure!(
                schedules.iter().all(|s| s.year == year),
                "the file has days outside {year}"
            );
            store.save_schedules(&schedules).await?;
            println!("已录入 {year} 年的节假日安排（{source}）");
        }
        Admin::ApiKey { region, name } => {
            let r = region_by(store, &region).await?;
            let (_, key) = store
                .admin_add_api_key(store::Authority::CommandLine, r.id, &name)
                .await?;
            println!("{key}");
        }
        Admin::CalendarDays { year } => {
            let calendar = store.calendar().await?;
            let mut day = chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("no such year")?;
            while chrono::Datelike::year(&day) == year {
                println!("{day} {}", u8::from(calendar.is_working_day(day)?));
                day = day.succ_opt().context("end of time")?;
            }
        }
    }
    Ok(())
}

/// The first region (with the regions above it) and its administrator.
async fn bootstrap(
    store: &Store,
    region: &str,
    top_level: &str,
    username: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        store.is_empty().await?,
        "the database already has regions: bootstrap is for an empty one"
    );
    let username = Username::parse(username)?;
    let password = domain::choose_password(password, Some(username.as_str()))?;
    let mut level = RegionLevel::parse(top_level).context("unknown level")?;
    let names: Vec<&str> = region
        .split('/')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    anyhow::ensure!(!names.is_empty(), "--region names no region");
    let mut parent = None;
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            level = level
                .child_level()
                .with_context(|| format!("{n}: there is no level below a village"))?;
        }
        let id = store
            .create_region(store::NewRegion {
                parent,
                name: n,
                level,
            })
            .await?;
        parent = Some(id);
    }
    let home = parent.context("no region made")?;
    let hash = web::hash_password(password).await?;
    let new = store::NewUser {
        username: Some(&username),
        phone: None,
        display_name: name.trim(),
        title: "管理员",
        categories: &[],
        password_hash: Some(hash.clone()),
    };
    let id = store
        .admin_add_person(Authority::CommandLine, home, new)
        .await?;
    // The operator chose this password: no change demanded at first sign-in.
    store.set_password_hash(id, hash).await?;
    let path = store.region_path(home).await?;
    store
        .admin_grant(
            Authority::CommandLine,
            id,
            &Grant::new(Role::Administrator, Scope::Region(path))?,
        )
        .await?;
    println!(
        "已建立 {}，管理员 {username} 可登录 /admin 开始设置议事室和人员",
        names.join(" · ")
    );
    Ok(())
}

pub async fn audit(store: &Store, a: Audit) -> anyhow::Result<()> {
    match a {
        Audit::Head => {
            let head = store.audit_head().await?;
            println!("{}:{}", head.seq, head.hash);
        }
        Audit::Verify { checkpoints } => {
            let checkpoints = checkpoints
                .iter()
                .map(|c| domain::Checkpoint::parse(c).with_context(|| format!("not SEQ:HASH: {c}")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let verdict = store.verify_audit(checkpoints).await?;
            if verdict.breaks.is_empty() {
                println!(
                    "日志链完好：已核验 {} 条，链头 {}:{}",
                    verdict.checked, verdict.head.seq, verdict.head.hash
                );
            } else {
                for b in &verdict.breaks {
                    println!("{}", b.text_zh());
                }
                anyhow::bail!(
                    "the audit chain is broken: {} problem(s) in {} entries",
                    verdict.breaks.len(),
                    verdict.checked
                );
            }
        }
    }
    Ok(())
}
