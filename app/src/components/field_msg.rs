use crate::model::FieldError;
use leptos::prelude::*;

/// The messages for one field of a form, next to the field (screen readers hear them).
#[component]
pub fn FieldMsg(errors: RwSignal<Vec<FieldError>>, #[prop(into)] field: String) -> impl IntoView {
    move || {
        errors.with(|e| {
            e.iter()
                .filter(|f| f.field == field)
                .map(|f| view! { <p class="field-error" role="alert" data-field=field.clone()>{f.message.clone()}</p> })
                .collect::<Vec<_>>()
        })
    }
}
