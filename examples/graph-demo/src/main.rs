//! Ten common Microsoft Graph tasks with the SDK docgen generates from the
//! Graph docs (v1.0): typed requests found by their path, typed bodies and
//! responses, paging, typed errors and throttling.
//!
//! ```text
//! GRAPH_TOKEN=eyJ0... cargo run -- [BASE_URL]
//! ```
//!
//! `BASE_URL` (or the `GRAPH_BASE_URL` variable) defaults to
//! `https://graph.microsoft.com/v1.0`. The values in the tasks (addresses,
//! subjects, times) are the ones of the docs' examples.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use graph_sdk::client::{Client, RetryPolicy, StaticToken};
use graph_sdk::models::{
    AnyMessage, AnyRecipient, Attendee, AttendeeType, DateTimeTimeZone, EmailAddress, Event,
    ItemBody, Location, Message, Recipient, User,
};
use graph_sdk::operations::{me, users, SendMailBody};
use graph_sdk::runtime::{Error, Nullable, ODataQuery, Page};

/// Any error of the demo: the SDK's, or a bad argument.
type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/v1.0";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let base_url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("GRAPH_BASE_URL").ok())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
    // A fixed token; a real program plugs its credential flow into
    // `token_provider` (any async closure returning a token works).
    let token = std::env::var("GRAPH_TOKEN").unwrap_or_default();
    let client = Client::builder()
        .base_url(base_url)
        .token_provider(StaticToken::new(token))
        // Waits as long as a 429/503/504's `Retry-After` asks, up to 30 s.
        .retry_policy(RetryPolicy::default().with_max_wait(Duration::from_secs(30)))
        .timeout(Some(Duration::from_secs(30)))
        .build()?;

    // 1. The signed-in user: GET /me
    let user = client.send(&me::get()).await?;
    println!("1 me: {} <{}>", text(&user.display_name), text(&user.mail));

    // 2. Users with $select, $filter and $top, over all pages: GET /users
    let query = ODataQuery::new()
        .select(["displayName", "mail"])
        .filter("accountEnabled eq true")
        .top(2);
    let pages: Vec<Page<User>> = client
        .pages(users::list().with_odata_query(&query))
        .try_collect()
        .await?;
    let names: Vec<&str> = pages
        .iter()
        .flat_map(|page| &page.value)
        .map(label)
        .collect();
    println!(
        "2 users: {} on {} pages: {}",
        names.len(),
        pages.len(),
        names.join(", ")
    );

    // 3. The first messages: GET /me/messages?$select=sender,subject&$top=5
    let query = ODataQuery::new().select(["sender", "subject"]).top(5);
    let first = client
        .send(&me::messages::list().with_odata_query(&query))
        .await?;
    for message in &first.value {
        // `AnyMessage` is a message or one of its derived types
        // (`eventMessage`, ...); the enum is non-exhaustive.
        if let AnyMessage::Message(message) = message {
            println!(
                "3 message: {} (from {})",
                text(&message.subject),
                sender(message)
            );
        }
    }

    // 4. Send mail: POST /me/sendMail (the JSON of the docs' example: 24 lines)
    let mail = SendMailBody {
        message: Message {
            subject: "Meet for lunch?".into(),
            body: ItemBody::text("The new cafeteria is open.").into(),
            to_recipients: vec![Recipient::new("fannyd@contoso.onmicrosoft.com").into()].into(),
            cc_recipients: vec![Recipient::new("danas@contoso.onmicrosoft.com").into()].into(),
            ..Default::default()
        }
        .into(),
        save_to_sent_items: false.into(),
        ..Default::default()
    };
    client.send(&me::send_mail(&mail)?).await?;
    println!("4 sendMail: sent \"Meet for lunch?\" to fannyd@contoso.onmicrosoft.com");

    // 5. Create an event: POST /me/events (the docs' example JSON: 29 lines)
    let tz = "Pacific Standard Time";
    let event = Event {
        subject: "Let's go for lunch".into(),
        body: ItemBody::html("Does noon work for you?").into(),
        start: DateTimeTimeZone::new("2017-04-15T12:00:00", tz).into(),
        end: DateTimeTimeZone::new("2017-04-15T14:00:00", tz).into(),
        location: Location {
            display_name: "Harry's Bar".into(),
            ..Default::default()
        }
        .into(),
        attendees: vec![Attendee {
            email_address: EmailAddress {
                name: "Samantha Booth".into(),
                ..EmailAddress::new("samanthab@contoso.onmicrosoft.com")
            }
            .into(),
            r#type: AttendeeType::Required.into(),
            ..Default::default()
        }]
        .into(),
        allow_new_time_proposals: true.into(),
        transaction_id: "7E163156-7762-4BEB-A1C6-729EA81755A7".into(),
        ..Default::default()
    };
    let request =
        me::events::create(&event)?.with_header("Prefer", &format!("outlook.timezone=\"{tz}\""))?;
    let created = client.send(&request).await?;
    println!(
        "5 event: {} \"{}\" id {}",
        created
            .start
            .value()
            .map_or("", |start| text(&start.date_time)),
        text(&created.subject),
        text(&created.id)
    );

    // 6. A drive folder's children (here the root folder), every page:
    //    GET /me/drive/items/root/children
    let children = client
        .collect_all(me::drive::items::children::list("root"))
        .await?;
    let names: Vec<&str> = children.iter().map(|item| text(&item.name)).collect();
    println!("6 children: {}", names.join(", "));

    // 7. Download the first of them: GET /me/drive/items/{item-id}/content
    //    (the service redirects to the file's download URL; the client follows).
    if let Some(item) = children.first() {
        let bytes = client
            .send(&me::drive::items::content::get(text(&item.id)))
            .await?;
        println!("7 download: {} ({} bytes)", text(&item.name), bytes.len());
    }

    // 8. A user that does not exist: a typed error with the Graph error code.
    match client.send(&users::get("no-such-user@contoso.com")).await {
        Err(Error::Status(api)) if api.status == 404 => {
            let code = api.error.as_ref().map_or("", |error| error.code.as_str());
            println!("8 not found: HTTP 404 {code}");
        }
        Ok(user) => println!("8 found: {}", text(&user.display_name)),
        Err(other) => return Err(other.into()),
    }

    // 9. Throttled (429): the client waits as long as `Retry-After` asks and
    //    sends again; were it throttled past the policy, the 429 would be
    //    returned as `Error::Status`.
    let started = Instant::now();
    match client.send(&users::get("busy@contoso.com")).await {
        Ok(user) => println!(
            "9 throttled, then answered after {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            text(&user.display_name)
        ),
        Err(Error::Status(api)) if api.status == 429 => {
            println!("9 still throttled: HTTP 429 ({api})");
        }
        Err(other) => return Err(other.into()),
    }

    // 10. Advanced query: $count needs `ConsistencyLevel: eventual`.
    let query = ODataQuery::new()
        .filter("endswith(mail,'a@contoso.com')")
        .order_by("userPrincipalName")
        .count(true);
    let request = users::list()
        .with_odata_query(&query)
        .with_header("ConsistencyLevel", "eventual")?;
    let page = client.send(&request).await?;
    let names: Vec<&str> = page.value.iter().map(|u| text(&u.display_name)).collect();
    println!(
        "10 count: {} users with a mail ending in a@contoso.com: {}",
        page.count.unwrap_or_default(),
        names.join(", ")
    );
    Ok(())
}

/// A text property, or `""` when it is absent or null.
fn text(value: &Nullable<String>) -> &str {
    value.value().map_or("", String::as_str)
}

/// What to call a user: the display name, else the mail address, else the id
/// (`$select` and the directory decide which are there).
fn label(user: &User) -> &str {
    [&user.display_name, &user.mail, &user.id]
        .into_iter()
        .map(text)
        .find(|label| !label.is_empty())
        .unwrap_or_default()
}

/// The sender's name, or `""`.
fn sender(message: &Message) -> &str {
    match message.sender.value().map(|sender| sender.as_ref()) {
        Some(AnyRecipient::Recipient(recipient)) => recipient
            .email_address
            .value()
            .map_or("", |address| text(&address.name)),
        _ => "",
    }
}
