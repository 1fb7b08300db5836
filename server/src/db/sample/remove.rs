//! `server seed --remove-sample`: every sample (示例) record and what hangs on it — requests
//! and orders made to sample places and providers, the sample accounts with their sessions
//! and audit entries — in one transaction, so that real records can be imported. Deleted
//! places leave tombstones: phones drop them at their next sync. The subsidy rule table
//! (its rows are marked 示例规则) stays until an admin replaces it.


/// What was removed.
#[derive(Debug, Default)]
pub struct Removed {
    pub organisations: u64,
    pub places: u64,
    pub providers: u64,
    pub accounts: u64,
}

pub async fn remove(pool: &crate::db::Pool) -> anyhow::Result<Removed> {
    const SAMPLE_PLACES: &str = "(SELECT id FROM places WHERE is_sample = TRUE)";
    const SAMPLE_PROVIDERS: &str = "(SELECT id FROM providers WHERE is_sample = TRUE)";
    const SAMPLE_USERS: &str = "(SELECT id FROM users WHERE is_sample = TRUE)";
    const SAMPLE_ORGS: &str = "(SELECT id FROM organisations WHERE is_sample = TRUE)";
    let mut tx = crate::db::begin_write(pool).await?;
    let mut run = async |sql: String| -> anyhow::Result<u64> { Ok(crate::db::query(&sql).execute(&mut *tx).await?.rows_affected()) };
    run(format!("DELETE FROM requests WHERE place_id IN {SAMPLE_PLACES}")).await?;
    run(format!("DELETE FROM orders WHERE provider_id IN {SAMPLE_PROVIDERS}")).await?;
    run(format!("DELETE FROM welfare_plans WHERE provider_id IN {SAMPLE_PROVIDERS}")).await?;
    run(format!("UPDATE requests SET decided_by = NULL WHERE decided_by IN {SAMPLE_USERS}")).await?;
    run(format!("UPDATE welfare_visits SET recorded_by = NULL WHERE recorded_by IN {SAMPLE_USERS}")).await?;
    run(format!("UPDATE organisations SET created_by = NULL WHERE created_by IN {SAMPLE_USERS}")).await?;
    run(format!("UPDATE imports SET created_by = NULL WHERE created_by IN {SAMPLE_USERS}")).await?;
    run(format!(
        "DELETE FROM audit_log WHERE user_id IN {SAMPLE_USERS} OR place_id IN {SAMPLE_PLACES} OR organisation_id IN {SAMPLE_ORGS}"
    ))
    .await?;
    let accounts = run(format!("DELETE FROM users WHERE is_sample = TRUE OR organisation_id IN {SAMPLE_ORGS}")).await?;
    run(format!("DELETE FROM carers WHERE is_sample = TRUE OR provider_id IN {SAMPLE_PROVIDERS}")).await?;
    let providers = run(format!("DELETE FROM providers WHERE is_sample = TRUE OR organisation_id IN {SAMPLE_ORGS}")).await?;
    let places = run(format!("DELETE FROM places WHERE is_sample = TRUE OR organisation_id IN {SAMPLE_ORGS}")).await?;
    let organisations = run("DELETE FROM organisations WHERE is_sample = TRUE".to_string()).await?;
    // the sample population figures, and the snapshots made from sample records
    run("DELETE FROM population WHERE is_sample = TRUE".to_string()).await?;
    run("DELETE FROM indicator_snapshots".to_string()).await?;
    drop(run);
    tx.commit().await?;
    Ok(Removed { organisations, places, providers, accounts })
}
