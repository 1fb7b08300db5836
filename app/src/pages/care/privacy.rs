//! `/privacy` 个人信息保护说明: what is collected for which purpose, who receives it, how long
//! it is kept, how to withdraw, and every wording of every consent (the versions stored with
//! each consent given).

use crate::model::privacy::{Purpose, TEXTS};
use leptos::prelude::*;
use leptos_meta::Title;

/// Who receives what a purpose covers, and for how long.
fn recipients(p: Purpose) -> (&'static str, &'static str) {
    match p {
        Purpose::Contact => ("您选择的托育机构（接受前只见部分号码）", "申请结束后 12 个月，然后匿名处理"),
        Purpose::ChildData => ("您申请的托育机构", "申请结束后 12 个月，然后匿名处理"),
        Purpose::ProviderShare => ("您下单的服务机构；派单后，上门的护理员（只见上门需要的部分）", "服务结束后 12 个月，然后匿名处理；补贴结算的金额和次数不含姓名、电话、地址"),
        Purpose::ElderHealth => ("您下单的服务机构和上门的护理员", "同上；撤回后机构立即看不到"),
        Purpose::ElderCategories => ("您下单的服务机构（护理员看不到）", "同上；撤回后机构立即看不到"),
        Purpose::WeeklyVisit => ("同意书写明的那一家服务机构", "探访结束后 12 个月，然后匿名处理"),
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text="个人信息保护说明 · 一老一小" />
        <section class="panel privacy">
            <h1>"个人信息保护说明"</h1>
            <p>"本应用只收集办理托育申请和居家上门服务所需的信息，每一项用途单独征得您的同意，并记录您看到的同意书版本和时间。"
                "孩子的出生年月、困境情况，老人的能力评估等级、身份类别、住址位置属于敏感个人信息。"</p>
            <h2>"用途、接收方和保存期限"</h2>
            <ul class="purposes">
                {Purpose::ALL.iter().map(|&p| {
                    let (to, keep) = recipients(p);
                    view! {
                        <li data-purpose=p.code()>
                            <p><strong>{p.label()}</strong></p>
                            <p>{format!("包括：{}", p.covers().join("、"))}</p>
                            <p>{format!("提供给：{to}")}</p>
                            <p>{format!("保存：{keep}")}</p>
                            <p>{if p.withdrawable() { "可单独撤回：在「我的信息」中撤回。" } else { "随申请或订单结束：取消该申请或订单，或删除我的信息。" }}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h2>"您的权利"</h2>
            <ul>
                <li>"查看和下载：在「我的信息」查看服务器保存的全部信息，并下载为文件。"</li>
                <li>"撤回同意：能力评估等级、身份类别、每周探访可随时撤回，机构立即看不到。"</li>
                <li>"删除：在「我的信息」删除。进行中的申请和订单会先取消；已完成的订单去掉姓名、电话、地址和位置，只保留补贴结算需要的金额和次数。"</li>
                <li>"查看记录：机构、护理员查看老人信息、孩子的申请或完整手机号，都会留下记录（谁、何时、为什么），您可以在「我的信息」看到。"</li>
                <li>"换手机或与家人共享：用一次性代码（10 分钟内有效）或恢复码，把信息转到新手机或与家人共享。"</li>
            </ul>
            <p><a href="/me" class="button primary">"打开我的信息"</a></p>
            <h2>"同意书全文（各版本）"</h2>
            <ul class="consent-texts">
                {TEXTS.iter().rev().map(|t| view! {
                    <li>
                        <p class="muted">{format!("{} · 第 {} 版", t.purpose.label(), t.version)}</p>
                        <p>{t.text.replace("{机构}", "（机构名称）").replace("{事项}", "（事项）")}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
