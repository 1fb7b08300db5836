//! What operators do: read their organisation's places with class versions, change
//! vacancies (relative taps, or "from N to M" based on a version, which answers 409
//! with the current value when the server's value moved), confirm unchanged, and
//! read the audit trail. Every write goes through the idempotency layer and is audited.

use crate::api::auth::{Role, Session};
use crate::http::error::{AppError, FieldErrors};
use crate::http::extract::Id;
use crate::db::places::class_state;
use crate::http::audit::{self, About};
use crate::http::write::{By, Tx, Write};
use crate::db::classes;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

pub use app::model::{AuditEntry, ClassCreate, ClassEdit, ClassState, OperatorPlace, PlaceEdit, VacancyChange};



pub(crate) use crate::http::access::{reader, writer_of, Of};

/// `GET /api/v1/operator/places` — the places this account manages.
#[utoipa::path(get, path = "/api/v1/operator/places", responses((status = 200, body = [OperatorPlace]), (status = 401)), tag = "operator")]
pub async fn places(State(st): State<AppState>, session: Session) -> Result<Json<Vec<OperatorPlace>>, AppError> {
    let scope = match (session.user.role, session.user.organisation_id) {
        (Role::Operator, Some(org)) if session.user.carer_id.is_none() => classes::Scope::Organisation(org),
        (Role::Supervisor, _) => classes::Scope::District(session.user.district_id.clone().unwrap_or_default()),
        (Role::Admin, _) => classes::Scope::All,
        // a carer's account (or an operator without an organisation) manages no place
        _ => return Ok(Json(vec![])),
    };
    Ok(Json(classes::desk_places(&st.read, scope).await?))
}

/// `GET /api/v1/operator/places/{id}/classes`
#[utoipa::path(get, path = "/api/v1/operator/places/{id}/classes", params(("id" = i64, Path,)),
    responses((status = 200, body = [ClassState]), (status = 401), (status = 403)), tag = "operator")]
pub async fn classes(State(st): State<AppState>, session: Session, Id(id): Id) -> Result<Json<Vec<ClassState>>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Place(id)).await?;
    let ids = classes::ids_of_place(&mut conn, id).await?;
    let mut out = Vec::new();
    for c in ids {
        out.extend(class_state(&mut conn, c).await?);
    }
    Ok(Json(out))
}

/// `GET /api/v1/operator/places/{id}/audit` — who changed what, newest first.
#[utoipa::path(get, path = "/api/v1/operator/places/{id}/audit", params(("id" = i64, Path,)),
    responses((status = 200, body = [AuditEntry]), (status = 401), (status = 403)), tag = "operator")]
pub async fn audit(State(st): State<AppState>, session: Session, Id(id): Id) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Place(id)).await?;
    Ok(Json(classes::audit_of_place(&mut conn, id).await?))
}

/// `POST /api/v1/operator/classes/{id}/vacancies`
#[utoipa::path(post, path = "/api/v1/operator/classes/{id}/vacancies", params(("id" = i64, Path,)), request_body = VacancyChange,
    responses((status = 200, body = ClassState), (status = 401), (status = 403),
        (status = 409, description = "The value moved: `current` holds it", body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn change_vacancies(
    State(st): State<AppState>,
    session: Session,
    Id(class_id): Id,
    w: Write<VacancyChange>,
) -> Result<Response, AppError> {
    let change = &w.body;
    let kinds = [change.delta.is_some(), change.to.is_some(), change.confirm].iter().filter(|x| **x).count();
    if kinds != 1 {
        return Err(AppError::field("body", "请只提供 delta、to 或 confirm 其中一项"));
    }
    let run = w.run_as(&st, &session, move |mut tx: Tx, change, By { user, now }| async move {
        // the new figures follow from the current ones: one change of a class at a time
        crate::db::engine::lock_row(&mut tx, "classes", class_id).await?;
        let before = class_state(&mut tx, class_id).await?.ok_or_else(|| AppError::NotFound("没有这个班级".into()))?;
        let org = writer_of(&mut tx, &user, Of::Place(before.place_id)).await?;
        let max = before.capacity - before.enrolled;
        let (action, target) = if let Some(d) = change.delta {
            let t = before.vacancies + d;
            if t < 0 {
                return Err(AppError::Stale("已经没有空位了，不能再减".into(), serde_json::to_value(&before).unwrap_or_default()));
            }
            if t > max {
                return Err(AppError::Stale(format!("空位不能超过 托位 − 在托（{max}）"), serde_json::to_value(&before).unwrap_or_default()));
            }
            ("vacancy_delta", t)
        } else {
            if change.version != Some(before.version)
                || change.to.is_some() && change.from.is_some() && change.from != Some(before.vacancies)
            {
                return Err(AppError::Stale(
                    "这期间空位已被其他设备或同事修改，请对照当前值再决定".into(),
                    serde_json::to_value(&before).unwrap_or_default(),
                ));
            }
            match change.to {
                Some(t) if !(0..=max).contains(&t) => {
                    return Err(AppError::field("to", &format!("空位应在 0 到 {max}（托位 − 在托）之间")));
                }
                Some(t) => ("vacancy_set", t),
                None => ("confirm_unchanged", before.vacancies),
            }
        };
        if !classes::set_vacancies(&mut tx, class_id, before.version, target, now.timestamp()).await? {
            return Err(AppError::Stale("这期间空位已被修改".into(), serde_json::to_value(&before).unwrap_or_default()));
        }
        let after = class_state(&mut tx, class_id).await?.ok_or_else(|| AppError::NotFound("没有这个班级".into()))?;
        let detail = serde_json::json!({ "from": before.vacancies, "to": after.vacancies, "resolution": change.resolution });
        audit::record(&mut tx, (&user, now), About::Place { org, place: before.place_id, class: Some(class_id) }, action, detail).await?;
        Ok((tx, StatusCode::OK, after))
    });
    run.await
}

/// `PUT /api/v1/operator/places/{id}` — hours, phone, care modes with fees, 普惠 price.
#[utoipa::path(put, path = "/api/v1/operator/places/{id}", params(("id" = i64, Path,)), request_body = PlaceEdit,
    responses((status = 200, description = "`{\"place_id\": …, \"updated\": true}`"), (status = 401), (status = 403),
        (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn edit_place(
    State(st): State<AppState>,
    session: Session,
    Id(place_id): Id,
    w: Write<PlaceEdit>,
) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, edit, By { user, now }| async move {
        let org = writer_of(&mut tx, &user, Of::Place(place_id)).await?;
        let before = classes::place_details(&mut tx, place_id).await?;
        let mut errors = FieldErrors::from(edit.validate(before.puhui));
        // A care mode with places in it cannot go: its classes would be orphaned.
        for (mode, band) in classes::modes_in_use(&mut tx, place_id).await? {
            if !edit.care_modes.is_empty() && !edit.care_modes.iter().any(|m| m.care_mode == mode) {
                let band = band.map(|b| b.label()).unwrap_or("班级");
                errors.push("care_modes", format!("{band}还有{}托位，不能取消{}；请先把该班级的托位改为 0", mode.label(), mode.label()));
            }
        }
        errors.into_result()?;
        classes::update_place_details(&mut tx, place_id, &edit, before.puhui, now.timestamp()).await?;
        let detail = serde_json::json!({
            "before": { "opening_hours": before.opening_hours, "phone": before.phone, "puhui_fee_yuan": before.puhui_fee_yuan },
            "after": &edit,
        });
        audit::record(&mut tx, (&user, now), About::Place { org, place: place_id, class: None }, "place_edit", detail).await?;
        Ok((tx, StatusCode::OK, serde_json::json!({ "place_id": place_id, "updated": true })))
    })
    .await
}

/// `PUT /api/v1/operator/classes/{id}` — capacity, enrolled and vacancies together,
/// based on a version (409 with the current class when it moved).
#[utoipa::path(put, path = "/api/v1/operator/classes/{id}", params(("id" = i64, Path,)), request_body = ClassEdit,
    responses((status = 200, body = ClassState), (status = 401), (status = 403),
        (status = 409, description = "The class moved: `current` holds it", body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn edit_class(
    State(st): State<AppState>,
    session: Session,
    Id(class_id): Id,
    w: Write<ClassEdit>,
) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, edit, By { user, now }| async move {
        // the new figures follow from the current ones: one change of a class at a time
        crate::db::engine::lock_row(&mut tx, "classes", class_id).await?;
        let before = class_state(&mut tx, class_id).await?.ok_or_else(|| AppError::NotFound("没有这个班级".into()))?;
        let org = writer_of(&mut tx, &user, Of::Place(before.place_id)).await?;
        if edit.version != before.version {
            return Err(AppError::Stale(
                "这期间班级数据已被其他设备或同事修改，请对照当前值再决定".into(),
                serde_json::to_value(&before).unwrap_or_default(),
            ));
        }
        FieldErrors::from(app::model::validate_class_figures(edit.capacity, edit.enrolled, edit.vacancies, before.puhui_slots)).into_result()?;
        classes::set_figures(&mut tx, class_id, before.version, &edit, now.timestamp()).await?;
        let after = class_state(&mut tx, class_id).await?.ok_or_else(|| AppError::NotFound("没有这个班级".into()))?;
        let fig = |c: &ClassState| serde_json::json!({ "capacity": c.capacity, "enrolled": c.enrolled, "vacancies": c.vacancies });
        let detail = serde_json::json!({ "before": fig(&before), "after": fig(&after), "resolution": edit.resolution });
        audit::record(&mut tx, (&user, now), About::Place { org, place: before.place_id, class: Some(class_id) }, "class_edit", detail).await?;
        Ok((tx, StatusCode::OK, after))
    })
    .await
}

/// `POST /api/v1/operator/places/{id}/classes` — a new class × care mode (the place must offer the mode).
#[utoipa::path(post, path = "/api/v1/operator/places/{id}/classes", params(("id" = i64, Path,)), request_body = ClassCreate,
    responses((status = 201, body = ClassState), (status = 401), (status = 403), (status = 422, body = app::model::ErrorBody)),
    tag = "operator")]
pub async fn create_class(
    State(st): State<AppState>,
    session: Session,
    Id(place_id): Id,
    w: Write<ClassCreate>,
) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, new, By { user, now }| async move {
        let org = writer_of(&mut tx, &user, Of::Place(place_id)).await?;
        let mut errors = FieldErrors::from(app::model::validate_class_figures(new.capacity, new.enrolled, new.vacancies, 0));
        if !classes::offers(&mut tx, place_id, new.care_mode).await? {
            errors.push("care_mode", format!("本托育点没有提供{}，请先在“机构信息”里添加这种托育形式和收费", new.care_mode.label()));
        }
        if classes::has_class(&mut tx, place_id, new.age_band, new.care_mode).await? {
            errors.push("age_band", format!("{}的{}已经有了，请直接修改它的托位", new.age_band.label(), new.care_mode.label()));
        }
        errors.into_result()?;
        let id = classes::insert(&mut tx, place_id, &new, now.timestamp()).await?;
        let after = class_state(&mut tx, id).await?.ok_or_else(|| AppError::NotFound("没有这个班级".into()))?;
        audit::record(&mut tx, (&user, now), About::Place { org, place: place_id, class: Some(id) }, "class_create", new).await?;
        Ok((tx, StatusCode::CREATED, after))
    })
    .await
}

crate::api::resource_routes!(places; edit_place; classes, create_class; edit_class; audit; change_vacancies);
