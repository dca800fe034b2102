//! Runtime support shared by every generated operation and model.
//!
//! The generated SDK is *sans-IO*: an operation function does not send
//! anything, it returns a [`Request<R>`] that describes one API call. The
//! caller turns it into an [`http::Request`] with [`Request::to_http`], sends
//! that with whatever HTTP client it likes, and hands the
//! [`http::Response`] back to [`Request::parse_response`], which yields the
//! typed result `R` or an [`Error`]. (With the cargo feature `client`, the
//! `client` module does the sending.) [`ODataQuery`] adds query options such
//! as `$select` and `$top` to a request, and
//! [`Request::to_http_next_link`] builds the request for a collection's next
//! page (or a delta query's next round). [`UploadSession`] builds and reads
//! the ranged `PUT`s of a large-file upload, and [`Batch`] bundles up to 20
//! requests into one JSON `$batch` whose answers read as each request's own.
//!
//! Besides requests and errors this module holds the value types the models
//! are built from:
//!
//! * [`Nullable<T>`] tells "property absent" apart from "property is
//!   `null`", so a model read from JSON writes back exactly what it read.
//! * [`DateTimeOffset`], [`Date`], [`TimeOfDay`], [`Duration`], [`Uuid`] and
//!   [`Base64`] keep the service's text verbatim instead of parsing it, so no
//!   precision or formatting is lost on a round trip.
//! * [`Page<T>`] is one page of a collection response.
//!
//! Only `serde`, `serde_json`, `http` and `percent-encoding` are used.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// === Nullable ===

/// A property value that may be absent, explicitly `null`, or present.
///
/// `Option<T>` cannot tell a missing property from one set to `null`, but the
/// difference matters: in a `PATCH` body, `null` clears a property while
/// leaving it out keeps it unchanged. The generated models read a missing
/// property as [`Nullable::Absent`] and never write an absent one (see
/// [`ObjectReader`] and [`ObjectWriter`]). In a struct of your own, declare
/// such a field as
///
/// ```text
/// #[serde(default, skip_serializing_if = "Nullable::is_absent")]
/// pub nickname: Nullable<String>,
/// ```
///
/// On its own, `Absent` serializes as `null`, because there is no way to
/// "write nothing" from inside a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The property was not in the JSON object (and will not be written).
    #[default]
    Absent,
    /// The property was JSON `null`.
    Null,
    /// The property had a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Returns `true` if the property was not present at all.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Returns `true` if the property was explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// Returns the value, if there is one.
    pub fn value(&self) -> Option<&T> {
        self.as_ref().into_value()
    }

    /// Returns the value mutably, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Consumes `self` and returns the value, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Borrows the value while keeping the absent/null distinction.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(value),
        }
    }
}

/// `field: value.into()` sets a property.
impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// `field: value.into()` also sets a boxed property (models box nested
/// values so that recursive types have a size), without `Box::new`.
///
/// It cannot overlap the impl above: that would need `T` to be `Box<T>`.
impl<T> From<T> for Nullable<Box<T>> {
    fn from(value: T) -> Self {
        Nullable::Value(Box::new(value))
    }
}

/// `subject: "Hello".into()`: text properties from a string literal.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_string())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => serializer.serialize_some(value),
            Nullable::Null | Nullable::Absent => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing property never reaches this point: `#[serde(default)]`
        // on the field produces `Absent` instead.
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        })
    }
}

// === JSON objects: how models read and write themselves ===
//
// Every generated struct is a JSON object with known properties (each a
// `Nullable<T>`, written only when present) plus `additional_properties`
// for the rest. A serde derive with `#[serde(flatten)]` would expand to a
// field enum, a visitor and a buffering deserializer per struct, which is
// most of what rustc spends on a generated crate. Instead each struct gets a
// `Serialize` impl of one `ObjectWriter::field` call per property and a
// `ReadProperties` impl of one `match` arm per property; the work itself is
// done once, here, for every model.

/// A JSON object as read off the wire, in document order.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// A model read from a JSON object: the generated structs and `Any…` enums.
///
/// Their `Deserialize` impls call [`deserialize_object`], which reads the
/// object once and hands it here, so an `Any…` enum can look at
/// `@odata.type` and pass the same object on to the type it names.
pub trait FromJsonObject: Sized {
    /// Builds the value from `object`; properties it does not name are kept.
    fn from_json_object(object: JsonObject) -> Result<Self, FieldError>;
}

/// A struct read from a JSON object property by property: the generated
/// structs. Their [`FromJsonObject`] impls call [`read_object`].
pub trait ReadProperties: Default {
    /// Reads property `key` into its field with `reader`, or keeps it with
    /// [`ObjectReader::other`] when the struct does not name it.
    fn read_property(&mut self, key: String, value: serde_json::Value, reader: &mut ObjectReader);

    /// Where the properties the struct does not name are kept.
    fn additional_properties_mut(&mut self) -> &mut JsonObject;
}

/// `FromJsonObject::from_json_object` of every generated struct: starts from
/// `T::default()` and reads each property of `object` into it.
///
/// Why here and not in each struct's impl: the value under construction is
/// owned, and dropped on an error, in this one function, so a release build
/// carries the code that drops a model once rather than once per codegen
/// unit that reads one (it was a third of a small program's binary).
pub fn read_object<T: ReadProperties>(object: JsonObject) -> Result<T, FieldError> {
    let mut this = T::default();
    let mut reader = ObjectReader::default();
    for (key, value) in object {
        this.read_property(key, value, &mut reader);
    }
    reader.finish(this.additional_properties_mut())?;
    Ok(this)
}

/// `Deserialize::deserialize` of every generated model: a JSON object, read
/// by [`FromJsonObject`].
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FromJsonObject>(
    deserializer: D,
) -> Result<T, D::Error> {
    let object = JsonObject::deserialize(deserializer)?;
    T::from_json_object(object).map_err(serde::de::Error::custom)
}

/// A property of a JSON object that did not have the type its model declares.
///
/// Its message names the property's path from the outermost model, such as
/// `createdBy.user.id: invalid type: integer `7`, expected a string`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    message: String,
}

impl FieldError {
    /// The error of property `key` whose value failed with `error`.
    fn at(key: &str, error: serde_json::Error) -> Self {
        Self::of_property(key, &error.to_string())
    }

    /// The error of property `key` holding a model that failed with `inner`.
    fn within(key: &str, inner: &FieldError) -> Self {
        Self::of_property(key, &inner.message)
    }

    fn of_property(key: &str, inner: &str) -> Self {
        // An inner model's error already starts with its own path: join them.
        let message = match inner.strip_prefix(FIELD_ERROR_MARK) {
            Some(rest) => format!("{FIELD_ERROR_MARK}{key}.{rest}"),
            None => format!("{FIELD_ERROR_MARK}{key}: {inner}"),
        };
        Self { message }
    }
}

/// How a [`FieldError`]'s message starts, so that an outer model can extend
/// the path of an inner one (the error crosses `serde_json::Error` between).
const FIELD_ERROR_MARK: &str = "property ";

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

/// Reads the properties of one JSON object into a model's fields.
///
/// Each property the model names is read with [`ObjectReader::field`], the
/// others are kept with [`ObjectReader::other`]; [`ObjectReader::finish`]
/// hands over the kept ones and the first error, if any.
#[derive(Debug, Default)]
pub struct ObjectReader {
    rest: JsonObject,
    error: Option<FieldError>,
}

impl ObjectReader {
    /// Reads property `key` into `slot`.
    pub fn field<T: serde::de::DeserializeOwned>(
        &mut self,
        slot: &mut T,
        key: &str,
        value: serde_json::Value,
    ) {
        let read = T::deserialize(value).map_err(|error| FieldError::at(key, error));
        self.store(slot, read);
    }

    /// Reads property `key`, a model, into `slot`.
    ///
    /// Models and lists of models are read here rather than through serde's
    /// `Box` and `Vec` impls, for the reason given at [`read_object`].
    pub fn object<T: FromJsonObject>(
        &mut self,
        slot: &mut Nullable<Box<T>>,
        key: &str,
        value: serde_json::Value,
    ) {
        let read = match value {
            serde_json::Value::Null => Ok(Nullable::Null),
            value => read_model(key, value).map(|model| Nullable::Value(Box::new(model))),
        };
        self.store(slot, read);
    }

    /// Reads property `key`, a list of models, into `slot`.
    pub fn objects<T: FromJsonObject>(
        &mut self,
        slot: &mut Nullable<Vec<T>>,
        key: &str,
        value: serde_json::Value,
    ) {
        let read = match value {
            serde_json::Value::Null => Ok(Nullable::Null),
            serde_json::Value::Array(items) => {
                read_each(items, |item| read_model(key, item)).map(Nullable::Value)
            }
            other => Err(FieldError::at(
                key,
                wrong_json_type::<Vec<serde_json::Value>>(other),
            )),
        };
        self.store(slot, read);
    }

    /// Puts a value read into its field, or keeps the first error.
    fn store<T>(&mut self, slot: &mut T, read: Result<T, FieldError>) {
        match read {
            Ok(value) => *slot = value,
            Err(error) => {
                if self.error.is_none() {
                    self.error = Some(error);
                }
            }
        }
    }

    /// Keeps a property the model does not name.
    pub fn other(&mut self, key: String, value: serde_json::Value) {
        self.rest.insert(key, value);
    }

    /// Moves the kept properties into `additional_properties`; the first
    /// property that could not be read is the error.
    pub fn finish(self, additional_properties: &mut JsonObject) -> Result<(), FieldError> {
        *additional_properties = self.rest;
        match self.error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The model held by property `key` (or one item of it), a JSON object.
fn read_model<T: FromJsonObject>(key: &str, value: serde_json::Value) -> Result<T, FieldError> {
    match value {
        serde_json::Value::Object(object) => {
            T::from_json_object(object).map_err(|inner| FieldError::within(key, &inner))
        }
        other => Err(FieldError::at(key, wrong_json_type::<JsonObject>(other))),
    }
}

/// The items of a JSON array, each read with `read`; the first error ends it.
/// (A loop here rather than `collect`, whose std code would hold the items.)
fn read_each<T, E>(
    items: Vec<serde_json::Value>,
    mut read: impl FnMut(serde_json::Value) -> Result<T, E>,
) -> Result<Vec<T>, E> {
    let mut list = Vec::with_capacity(items.len());
    for item in items {
        list.push(read(item)?);
    }
    Ok(list)
}

/// The error of a `value` that is not the JSON type `T` reads (an object, an
/// array): in serde's words, so that it reads like every other type error
/// ("invalid type: integer `7`, expected a map").
fn wrong_json_type<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> serde_json::Error {
    match T::deserialize(value) {
        Err(error) => error,
        Ok(_) => serde::de::Error::custom("unexpected JSON type"),
    }
}

/// A model field that may be left out of the JSON: `Nullable<T>` when
/// absent, `Option<T>` (the `@odata.type` annotation) when `None`.
pub trait OmitWhenAbsent {
    /// Whether the property is left out of the object.
    fn is_absent(&self) -> bool;
}

impl<T> OmitWhenAbsent for Nullable<T> {
    fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }
}

impl<T> OmitWhenAbsent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

/// A model field as `Debug` shows it: `None` when it is left out.
pub trait DebugProperty {
    /// The value to show: the `Nullable`'s own value, or `null`.
    fn present(&self) -> Option<&dyn fmt::Debug>;
}

impl<T: fmt::Debug> DebugProperty for Nullable<T> {
    fn present(&self) -> Option<&dyn fmt::Debug> {
        match self {
            Nullable::Absent => None,
            Nullable::Null => Some(&JsonNull),
            Nullable::Value(value) => Some(value),
        }
    }
}

impl<T: fmt::Debug> DebugProperty for Option<T> {
    fn present(&self) -> Option<&dyn fmt::Debug> {
        self.as_ref().map(|value| value as &dyn fmt::Debug)
    }
}

/// A `null` property, shown as `null`.
struct JsonNull;

impl fmt::Debug for JsonNull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null")
    }
}

/// `Debug` of a generated struct: the properties it holds by field name (a
/// `null` one as `null`), then any `additional_properties`, and `..` when
/// some were absent. A `User` read with five of its hundred properties shows
/// five.
///
/// Written out rather than derived because `#[derive(Debug)]` is
/// `#[inline]`: every codegen unit of every crate that printed a model
/// compiled its own copy of the formatting (and drop) code of every model
/// the printed one can hold.
pub struct DebugModel<'a, 'b: 'a> {
    inner: fmt::DebugStruct<'a, 'b>,
    absent: bool,
}

impl<'a, 'b: 'a> DebugModel<'a, 'b> {
    /// Starts showing struct `name`.
    pub fn new(f: &'a mut fmt::Formatter<'b>, name: &str) -> Self {
        Self {
            inner: f.debug_struct(name),
            absent: false,
        }
    }

    /// Shows field `name` unless its property is absent.
    pub fn property<T: DebugProperty>(&mut self, name: &str, value: &T) {
        match value.present() {
            Some(shown) => {
                self.inner.field(name, shown);
            }
            None => self.absent = true,
        }
    }

    /// Shows the properties the struct does not name, and ends.
    pub fn finish(&mut self, additional_properties: &JsonObject) -> fmt::Result {
        if !additional_properties.is_empty() {
            self.inner
                .field("additional_properties", additional_properties);
        }
        if self.absent {
            self.inner.finish_non_exhaustive()
        } else {
            self.inner.finish()
        }
    }
}

/// Writes a model as one JSON object: its present properties in declaration
/// order, then its `additional_properties`.
pub struct ObjectWriter<M: serde::ser::SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: serde::ser::SerializeMap> ObjectWriter<M> {
    /// Starts the object.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(
        serializer: S,
    ) -> Result<Self, M::Error> {
        Ok(Self {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }

    /// Writes property `key` unless its value is absent.
    pub fn field<T: Serialize + OmitWhenAbsent>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none() && !value.is_absent() {
            if let Err(error) = self.map.serialize_entry(key, value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes the properties the model does not name and ends the object.
    pub fn end(mut self, additional_properties: &JsonObject) -> Result<M::Ok, M::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        for (key, value) in additional_properties {
            self.map.serialize_entry(key, value)?;
        }
        self.map.end()
    }
}

/// The `@odata.type` of a JSON object as an `Any…` enum matches it: without
/// the leading `#`, in ASCII lower case (the service is not consistent about
/// either). Empty when the object has none.
pub fn odata_type_key(object: &JsonObject) -> String {
    let annotation = object
        .get("@odata.type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    annotation
        .strip_prefix('#')
        .unwrap_or(annotation)
        .to_ascii_lowercase()
}

// === Text-preserving primitive types ===

/// Defines a newtype over `String` that serializes as the bare string and
/// keeps the service's text untouched.
macro_rules! text_primitive {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// The text is stored exactly as received and is not validated, so
        /// a value always serializes back to the same string.
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps `text` as-is, without validating or normalising it.
            pub fn new(text: impl Into<String>) -> Self {
                Self(text.into())
            }

            /// Returns the original text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }
    };
}

text_primitive! {
    /// An ISO 8601 date and time with a UTC offset
    /// (`Edm.DateTimeOffset`), such as `2016-12-31T23:56:51.5562076+03:00`.
    DateTimeOffset
}

text_primitive! {
    /// A calendar date (`Edm.Date`) in `yyyy-mm-dd` form, such as `2024-02-29`.
    Date
}

text_primitive! {
    /// A time of day (`Edm.TimeOfDay`) in `hh:mm:ss[.fffffff]` form, such as
    /// `08:30:00.0000000`.
    TimeOfDay
}

text_primitive! {
    /// An ISO 8601 duration (`Edm.Duration`), such as `P1DT2H` or `PT0.5S`.
    Duration
}

text_primitive! {
    /// A GUID (`Edm.Guid`) in its textual form, such as
    /// `3f2504e0-4f89-11d3-9a0c-0305e82c3301`.
    Uuid
}

text_primitive! {
    /// Binary data (`Edm.Binary`) as base64 text; decode it with any base64
    /// library when the bytes are needed.
    Base64
}

// === Collection pages ===

/// One page of a collection response, such as the body of `GET /users`.
///
/// When `next_link` is set, more items are available at that absolute URL;
/// `delta_link` is returned at the end of a delta query for the next sync.
/// Annotations this type does not name are kept in `additional_properties`
/// so the page serializes back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The items on this page.
    #[serde(default)]
    pub value: Vec<T>,
    /// URL of the next page (`@odata.nextLink`), if there is one.
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// Metadata context URL (`@odata.context`).
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    /// Total number of items (`@odata.count`), when `$count=true` was asked for.
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// URL for the next round of a delta query (`@odata.deltaLink`).
    #[serde(
        rename = "@odata.deltaLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_link: Option<String>,
    /// Any other properties or annotations of the response object.
    #[serde(flatten)]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

/// A primitive result (a `String`, a `Boolean`, …) as OData sends it: an object
/// `{"value": …}`. Other members (`@odata.context`) are kept in
/// `additional_properties`, so the result serializes back unchanged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ODataValue<T> {
    /// The result.
    pub value: T,
    /// Any other properties or annotations of the response object.
    #[serde(flatten)]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

// Written by hand rather than derived: serde's `flatten` buffers the whole
// object in its own value type, and the items were read through serde's
// `Vec` impl, which compiled the code that drops a page's items into codegen
// units of their own (see `read_object`). Here the object is read once and
// the items are read in this module.
impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = JsonObject::deserialize(deserializer)?;
        Page::from_object(object).map_err(serde::de::Error::custom)
    }
}

impl<T: serde::de::DeserializeOwned> Page<T> {
    fn from_object(object: JsonObject) -> Result<Self, serde_json::Error> {
        let mut page = Page::default();
        for (key, value) in object {
            match key.as_str() {
                "value" => page.value = read_items(value)?,
                "@odata.nextLink" => page.next_link = Deserialize::deserialize(value)?,
                "@odata.context" => page.context = Deserialize::deserialize(value)?,
                "@odata.count" => page.count = Deserialize::deserialize(value)?,
                "@odata.deltaLink" => page.delta_link = Deserialize::deserialize(value)?,
                _ => {
                    page.additional_properties.insert(key, value);
                }
            }
        }
        Ok(page)
    }
}

/// The items of a JSON array, each read as a `T`.
fn read_items<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<Vec<T>, serde_json::Error> {
    let serde_json::Value::Array(items) = value else {
        return Err(wrong_json_type::<Vec<serde_json::Value>>(value));
    };
    read_each(items, T::deserialize)
}

// Written by hand so that `Page<T>: Default` does not require `T: Default`.
impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            value: Vec::new(),
            next_link: None,
            context: None,
            count: None,
            delta_link: None,
            additional_properties: serde_json::Map::new(),
        }
    }
}

// === Errors ===

/// The JSON body of a failed call: `{"error": {"code": ..., "message": ...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GraphErrorBody {
    /// The error description.
    pub error: GraphErrorDetail,
}

/// The `error` object of a failed call.
///
/// `code` and `message` default to empty strings so that unusual error
/// bodies still parse.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GraphErrorDetail {
    /// Machine-readable error code, such as `Request_ResourceNotFound`.
    #[serde(default)]
    pub code: String,
    /// Human-readable description of the error.
    #[serde(default)]
    pub message: String,
    /// Service diagnostics (`innerError`), such as the request id and date.
    #[serde(
        rename = "innerError",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub inner_error: Option<serde_json::Value>,
    /// Any other members of the error object (for example `details`).
    #[serde(flatten)]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

/// A response whose status was not 2xx.
///
/// It lives in its own boxed struct (see [`Error::Status`]) so that
/// `Result<T, Error>` stays small for the common success path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status of the response.
    pub status: http::StatusCode,
    /// The parsed `error` object, when the body was a Graph error body.
    pub error: Option<GraphErrorDetail>,
    /// The `request-id` header (else `client-request-id`), for support cases.
    pub request_id: Option<String>,
    /// The response headers, such as `Retry-After` (see
    /// [`ApiError::retry_after`]).
    pub headers: http::HeaderMap,
    /// The raw response body.
    pub body: Vec<u8>,
}

impl ApiError {
    /// Reads a non-2xx response: the Graph error body if it is one, the
    /// request id from the headers.
    pub fn from_response(response: http::Response<Vec<u8>>) -> Self {
        let (parts, body) = response.into_parts();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        ApiError {
            status: parts.status,
            error: serde_json::from_slice::<GraphErrorBody>(&body)
                .ok()
                .map(|parsed| parsed.error),
            request_id: header("request-id").or_else(|| header("client-request-id")),
            headers: parts.headers,
            body,
        }
    }

    /// How long the service asked to wait before trying again (the
    /// `Retry-After` header of a 429 or 503), if it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        retry_after(&self.headers)
    }

    /// The Graph error code (`error.code`), such as `Request_ResourceNotFound`,
    /// if the body was a Graph error body.
    pub fn code(&self) -> Option<&str> {
        self.error.as_ref().map(|error| error.code.as_str())
    }
}

/// The `Retry-After` header as a number of seconds.
///
/// The HTTP-date form is not read (Graph sends seconds): without a clock
/// library, a date cannot be turned into a wait here.
pub fn retry_after(headers: &http::HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    value
        .trim()
        .parse::<u64>()
        .ok()
        .map(std::time::Duration::from_secs)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request failed with HTTP {}", self.status)?;
        if let Some(error) = &self.error {
            write!(f, ": {}: {}", error.code, error.message)?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request-id {request_id})")?;
        }
        Ok(())
    }
}

/// A boxed error from outside this crate, such as the HTTP client's or a
/// token provider's.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong with an API call: building the request,
/// sending it, or reading its response.
///
/// The sans-IO core only produces [`Error::Status`], [`Error::Decode`],
/// [`Error::Encode`] and [`Error::InvalidRequest`]. [`Error::Transport`] and
/// [`Error::Auth`] are for whatever sends the request (the `client` module
/// when its feature is on, or the caller's own HTTP code), so one error type
/// covers the whole call.
#[derive(Debug)]
pub enum Error {
    /// The service answered with a non-2xx status. The payload is boxed to
    /// keep `Error` (and so every `Result`) small.
    Status(Box<ApiError>),
    /// A 2xx response body did not match the expected type.
    Decode {
        /// The HTTP status of the response.
        status: http::StatusCode,
        /// What `serde_json` reported.
        source: serde_json::Error,
        /// The raw response body.
        body: Vec<u8>,
    },
    /// The request body could not be serialized to JSON.
    Encode(serde_json::Error),
    /// The request could not be built, e.g. a bad base URL or header.
    InvalidRequest(String),
    /// The request could not be sent or its response could not be read:
    /// connection refused, timeout, TLS failure and the like.
    Transport(BoxError),
    /// No credentials could be had for the request, e.g. a token provider
    /// failed.
    Auth(BoxError),
}

impl Error {
    /// How long the service asked to wait before trying again: the
    /// `Retry-After` of a throttled (429) or unavailable (503) response
    /// that the client did not retry, because its policy allows no more
    /// retries or a shorter wait.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Status(api) => api.retry_after(),
            _ => None,
        }
    }

    /// The HTTP status of the response this error came from, if any.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Status(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Encode(_) | Error::InvalidRequest(_) | Error::Transport(_) | Error::Auth(_) => {
                None
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Status(api) => fmt::Display::fmt(api, f),
            Error::Decode { status, source, .. } => {
                write!(
                    f,
                    "could not decode the HTTP {status} response body: {source}"
                )
            }
            Error::Encode(source) => write!(f, "could not encode the request body: {source}"),
            Error::InvalidRequest(reason) => write!(f, "invalid request: {reason}"),
            Error::Transport(source) => write!(f, "could not send the request: {source}"),
            Error::Auth(source) => write!(f, "could not authenticate the request: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } | Error::Encode(source) => Some(source),
            Error::Transport(source) | Error::Auth(source) => Some(source.as_ref()),
            Error::Status(_) | Error::InvalidRequest(_) => None,
        }
    }
}

// === Requests ===

/// Turns a successful response into the operation's result type.
pub type ParseFn<R> = fn(http::StatusCode, &[u8]) -> Result<R, Error>;

/// A description of one API call whose success body parses into `R`.
///
/// It is plain data: nothing is sent. Build the wire request with
/// [`Request::to_http`] and decode the reply with [`Request::parse_response`].
/// The parser is a function pointer (usually [`parse_json`], [`parse_empty`]
/// or [`parse_bytes`]) rather than a trait bound, so `Request<()>` and
/// `Request<T: DeserializeOwned>` need no overlapping impls.
#[must_use = "a Request does nothing until it is sent"]
pub struct Request<R> {
    method: http::Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(http::HeaderName, http::HeaderValue)>,
    body: Option<Vec<u8>>,
    success: http::StatusCode,
    parse: ParseFn<R>,
    /// The OData query options the operation's page documents.
    documented_options: &'static [&'static str],
}

impl<R> Request<R> {
    /// Describes a call of `method` on `path`.
    ///
    /// `path` must already be percent-encoded (see [`encode_path_segment`])
    /// and start with `/`. `success` is the documented success status; a
    /// code outside `100..=999` falls back to 200. `parse` decodes a 2xx body.
    pub fn new(
        method: http::Method,
        path: impl Into<String>,
        success: u16,
        parse: ParseFn<R>,
    ) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            success: http::StatusCode::from_u16(success).unwrap_or(http::StatusCode::OK),
            parse,
            documented_options: &[],
        }
    }

    /// Records the OData query options the operation's page documents (the
    /// generated operations call this); see [`Request::try_with_odata_query`].
    pub fn with_documented_query_options(mut self, options: &'static [&'static str]) -> Self {
        self.documented_options = options;
        self
    }

    /// The OData query options (`$select`, `$filter`, …) the operation's page
    /// documents; empty when the page documents none.
    pub fn documented_query_options(&self) -> &'static [&'static str] {
        self.documented_options
    }

    /// Like [`Request::with_odata_query`], but on a request other than a
    /// `GET` refuses options the operation's page does not document.
    ///
    /// A `GET` accepts every standard option
    /// ([`STANDARD_QUERY_OPTIONS`]): Graph supports them on reads, and most
    /// pages do not list them (399 of 580 collection reads of the v1.0 docs
    /// list none), so refusing would refuse `$select` where it works. On
    /// other methods an option is unusual enough that a page not listing it
    /// means the service ignores or rejects it.
    pub fn try_with_odata_query(self, options: &ODataQuery) -> Result<Self, Error> {
        if self.method == http::Method::GET {
            return Ok(self.with_odata_query(options));
        }
        let undocumented: Vec<&str> = options
            .to_pairs()
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| {
                !self
                    .documented_options
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(name))
            })
            .collect();
        if undocumented.is_empty() {
            Ok(self.with_odata_query(options))
        } else {
            Err(Error::InvalidRequest(format!(
                "the page of `{} {}` does not document {}",
                self.method,
                self.path,
                undocumented.join(", ")
            )))
        }
    }

    /// Sets `body` serialized as JSON, with `Content-Type: application/json`.
    pub fn with_json_body<B: Serialize + ?Sized>(self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(Error::Encode)?;
        self.with_body(bytes, "application/json")
    }

    /// Sets a raw body and its `Content-Type`, replacing any earlier one.
    pub fn with_body(mut self, bytes: Vec<u8>, content_type: &str) -> Result<Self, Error> {
        let value = header_value(content_type)?;
        self.headers
            .retain(|(name, _)| name != http::header::CONTENT_TYPE);
        self.headers.push((http::header::CONTENT_TYPE, value));
        self.body = Some(bytes);
        Ok(self)
    }

    /// Appends a query parameter such as `$top=10`. Both parts are given
    /// unencoded; [`Request::to_http`] encodes them.
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Applies the OData query options in `options` (`$select`, `$filter`,
    /// `$top` and so on).
    ///
    /// Each option that `options` sets replaces any query parameter of the
    /// same name (compared ignoring ASCII case) the request already has;
    /// other parameters are kept. An empty [`ODataQuery`] changes nothing.
    pub fn with_odata_query(mut self, options: &ODataQuery) -> Self {
        let pairs = options.to_pairs();
        self.query.retain(|(name, _)| {
            !pairs
                .iter()
                .any(|(option, _)| option.eq_ignore_ascii_case(name))
        });
        self.query.extend(
            pairs
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value)),
        );
        self
    }

    /// Appends a header, such as `Prefer` or `ConsistencyLevel`.
    ///
    /// Fails with [`Error::InvalidRequest`] if the name or value is not
    /// valid in HTTP.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let header = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("invalid header name {name:?}")))?;
        self.headers.push((header, header_value(value)?));
        Ok(self)
    }

    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The percent-encoded path, relative to the service root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, unencoded, in the order they were added.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The headers, in the order they were added.
    pub fn headers(&self) -> &[(http::HeaderName, http::HeaderValue)] {
        &self.headers
    }

    /// The body, if one was set.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The documented success status. [`Request::parse_response`] accepts
    /// any 2xx status, because services do not always answer with this one.
    pub fn success_status(&self) -> http::StatusCode {
        self.success
    }

    /// Builds the wire request against `base_url`, such as
    /// `https://graph.microsoft.com/v1.0`.
    ///
    /// The URL is `base_url` (trailing `/` removed) followed by the path and
    /// the query string. Query names and values are percent-encoded except
    /// for unreserved characters; a `$` in a name (`$select`) stays literal.
    /// Fails with [`Error::InvalidRequest`] if the result is not an absolute
    /// URL.
    pub fn to_http(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        let mut url = String::from(base_url.trim_end_matches('/'));
        if !self.path.starts_with('/') {
            url.push('/');
        }
        url.push_str(&self.path);
        for (index, (name, value)) in self.query.iter().enumerate() {
            url.push(if index == 0 { '?' } else { '&' });
            url.extend(utf8_percent_encode(name, QUERY_NAME));
            url.push('=');
            url.extend(utf8_percent_encode(value, UNRESERVED));
        }

        let uri = absolute_uri(&url)
            .map_err(|reason| Error::InvalidRequest(format!("{reason} (base URL {base_url:?})")))?;

        let mut request = http::Request::new(self.body.clone().unwrap_or_default());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        self.add_consistency_level(headers);
        Ok(request)
    }

    /// Adds `ConsistencyLevel: eventual` when the request counts (`$count=true`,
    /// a `/$count` segment) or searches (`$search`) and the caller has not set
    /// the header: Graph's directory objects answer those only with it, and
    /// other resources ignore it.
    fn add_consistency_level(&self, headers: &mut http::HeaderMap) {
        let counts_or_searches = self.path.ends_with("/$count")
            || self.query.iter().any(|(name, value)| {
                name.eq_ignore_ascii_case("$search")
                    || (name.eq_ignore_ascii_case("$count") && value.eq_ignore_ascii_case("true"))
            });
        if counts_or_searches && !headers.contains_key(CONSISTENCY_LEVEL) {
            headers.insert(
                CONSISTENCY_LEVEL,
                http::HeaderValue::from_static("eventual"),
            );
        }
    }

    /// Decodes the service's reply to this request.
    ///
    /// A non-2xx status becomes [`Error::Status`], with the Graph error body
    /// parsed if possible and the request id taken from the headers. Any
    /// 2xx response goes to the request's parse function.
    pub fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<R, Error> {
        if !response.status().is_success() {
            return Err(Error::Status(Box::new(ApiError::from_response(response))));
        }
        (self.parse)(response.status(), response.body())
    }
}

// Written by hand: deriving would demand `R: Clone` / `R: Debug`, though no
// `R` is stored.
impl<R> Clone for Request<R> {
    fn clone(&self) -> Self {
        Self {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            success: self.success,
            parse: self.parse,
            documented_options: self.documented_options,
        }
    }
}

impl<R> fmt::Debug for Request<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("success", &self.success)
            .field("documented_options", &self.documented_options)
            .finish_non_exhaustive()
    }
}

impl<T> Request<Page<T>> {
    /// Builds the wire request for the page after one of this collection's
    /// pages: a `GET` of `next_link` (the page's [`Page::next_link`]) exactly
    /// as the service wrote it, since the link already carries the path and
    /// query options.
    ///
    /// The request keeps this request's headers (such as `ConsistencyLevel`)
    /// but not its body or `Content-Type`. Decode the reply with this
    /// request's [`Request::parse_response`]. Fails with
    /// [`Error::InvalidRequest`] if `next_link` is not an absolute URL.
    pub fn to_http_next_link(&self, next_link: &str) -> Result<http::Request<Vec<u8>>, Error> {
        let uri = absolute_uri(next_link).map_err(|reason| {
            Error::InvalidRequest(format!("@odata.nextLink {next_link:?}: {reason}"))
        })?;
        let mut request = http::Request::new(Vec::new());
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            if name != http::header::CONTENT_TYPE {
                headers.append(name.clone(), value.clone());
            }
        }
        // The link carries the query the first page was asked with.
        self.add_consistency_level(headers);
        Ok(request)
    }
}

/// The header `$count` and `$search` need on directory objects.
const CONSISTENCY_LEVEL: http::HeaderName = http::HeaderName::from_static("consistencylevel");

/// Parses `url` and checks that it has a scheme and a host.
fn absolute_uri(url: &str) -> Result<http::Uri, String> {
    let uri = http::Uri::try_from(url).map_err(|err| format!("invalid URL {url:?}: {err}"))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(format!("{url:?} is not an absolute URL"));
    }
    Ok(uri)
}

fn header_value(value: &str) -> Result<http::HeaderValue, Error> {
    http::HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidRequest(format!("invalid header value {value:?}")))
}

/// Parses a 2xx body as JSON into `T`; a mismatch is [`Error::Decode`].
///
/// The text is parsed into a `serde_json::Value` first and `T` is read from
/// that: the models read themselves from a JSON object anyway, and serde's
/// `from_slice::<T>` would compile a copy of the code that drops a `T` into
/// codegen units of its own (see [`read_object`]).
pub fn parse_json<T: serde::de::DeserializeOwned>(
    status: http::StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice::<serde_json::Value>(body)
        .and_then(T::deserialize)
        .map_err(|source| Error::Decode {
            status,
            source,
            body: body.to_vec(),
        })
}

/// For operations documented to return no content: ignores any body.
pub fn parse_empty(_status: http::StatusCode, _body: &[u8]) -> Result<(), Error> {
    Ok(())
}

/// For operations that return raw content (files, photos): the body as-is.
pub fn parse_bytes(_status: http::StatusCode, body: &[u8]) -> Result<Vec<u8>, Error> {
    Ok(body.to_vec())
}

// === OData query options ===

/// The standard OData query options, which every `GET` accepts (see
/// [`Request::try_with_odata_query`]) and [`ODataQuery`] sets.
pub const STANDARD_QUERY_OPTIONS: [&str; 10] = [
    "$select",
    "$expand",
    "$filter",
    "$search",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$format",
    "$skiptoken",
];

/// The OData system query options of a request: `$select`, `$expand`,
/// `$filter`, `$search`, `$orderby`, `$top`, `$skip`, `$count`, `$format`
/// and `$skiptoken`.
///
/// Build one with the chained methods and apply it to a request with
/// [`Request::with_odata_query`]:
///
/// ```
/// use graph_sdk::runtime::{parse_json, ODataQuery, Request};
///
/// let options = ODataQuery::new()
///     .select(["id", "displayName"])
///     .filter("startswith(displayName,'A')")
///     .order_by("displayName desc")
///     .top(10);
/// let request = Request::<serde_json::Value>::new(http::Method::GET, "/users", 200, parse_json)
///     .with_odata_query(&options);
/// let url = request.to_http("https://graph.microsoft.com/v1.0")?.uri().to_string();
/// assert_eq!(
///     url,
///     "https://graph.microsoft.com/v1.0/users?$select=id%2CdisplayName\
///      &$filter=startswith%28displayName%2C%27A%27%29&$orderby=displayName%20desc&$top=10"
/// );
/// # Ok::<(), graph_sdk::runtime::Error>(())
/// ```
///
/// Values are written as the service expects them and are not encoded:
/// [`Request::to_http`] percent-encodes them. The options go on the URL in
/// a fixed order, whatever the order of the calls. Each operation's
/// documentation lists the options its page documents ("Documented query
/// options"); every `GET` accepts all of them. With `$count=true` or
/// `$search`, the request also sends `ConsistencyLevel: eventual` unless it
/// has that header already.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ODataQuery {
    select: Vec<String>,
    expand: Vec<String>,
    filter: Option<String>,
    search: Option<String>,
    order_by: Vec<String>,
    top: Option<u32>,
    skip: Option<u32>,
    count: Option<bool>,
    format: Option<String>,
    skip_token: Option<String>,
}

impl ODataQuery {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds properties to `$select`: only they are returned.
    pub fn select<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.select.extend(properties.into_iter().map(Into::into));
        self
    }

    /// Adds relationships to `$expand`, such as `members` or
    /// `members($select=id)`: they are returned inline.
    pub fn expand<I, S>(mut self, relationships: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.expand
            .extend(relationships.into_iter().map(Into::into));
        self
    }

    /// Sets `$filter`, such as `displayName eq 'Sales'`. String literals
    /// inside the expression are the caller's to quote (double inner `'`).
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
        self
    }

    /// Sets `$search`, given as the service expects it, including any
    /// quotes it requires (`"displayName:Sales"`).
    pub fn search(mut self, expression: impl Into<String>) -> Self {
        self.search = Some(expression.into());
        self
    }

    /// Adds a sort key to `$orderby`, such as `displayName` or
    /// `createdDateTime desc`; keys apply in the order they were added.
    pub fn order_by(mut self, key: impl Into<String>) -> Self {
        self.order_by.push(key.into());
        self
    }

    /// Sets `$top`: the most items to return on a page.
    pub fn top(mut self, count: u32) -> Self {
        self.top = Some(count);
        self
    }

    /// Sets `$skip`: how many items to skip.
    pub fn skip(mut self, count: u32) -> Self {
        self.skip = Some(count);
        self
    }

    /// Sets `$count`: whether the response includes the total number of
    /// items ([`Page::count`]).
    pub fn count(mut self, include: bool) -> Self {
        self.count = Some(include);
        self
    }

    /// Sets `$format`, such as `json`: the media type of the response.
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }

    /// Sets `$skiptoken`, the paging token of a `@odata.nextLink` (the
    /// client follows next links by itself; this is for resuming a listing).
    pub fn skip_token(mut self, token: impl Into<String>) -> Self {
        self.skip_token = Some(token.into());
        self
    }

    /// Returns `true` if no option is set.
    pub fn is_empty(&self) -> bool {
        self.to_pairs().is_empty()
    }

    /// The options that are set, as unencoded `(name, value)` pairs in the
    /// order they go on the URL: `$select`, `$expand`, `$filter`,
    /// `$search`, `$orderby`, `$top`, `$skip`, `$count`, `$format`,
    /// `$skiptoken` (as in [`STANDARD_QUERY_OPTIONS`]). List options are
    /// joined with `,`.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let lists = [("$select", &self.select), ("$expand", &self.expand)];
        for (name, items) in lists {
            if !items.is_empty() {
                pairs.push((name, items.join(",")));
            }
        }
        for (name, text) in [("$filter", &self.filter), ("$search", &self.search)] {
            if let Some(text) = text {
                pairs.push((name, text.clone()));
            }
        }
        if !self.order_by.is_empty() {
            pairs.push(("$orderby", self.order_by.join(",")));
        }
        for (name, number) in [("$top", self.top), ("$skip", self.skip)] {
            if let Some(number) = number {
                pairs.push((name, number.to_string()));
            }
        }
        if let Some(include) = self.count {
            pairs.push(("$count", include.to_string()));
        }
        for (name, text) in [("$format", &self.format), ("$skiptoken", &self.skip_token)] {
            if let Some(text) = text {
                pairs.push((name, text.clone()));
            }
        }
        pairs
    }
}

// === Large-file upload sessions ===

/// Chunks of an upload session must be a multiple of this many bytes
/// (320 KiB), except the last.
pub const UPLOAD_CHUNK_UNIT: u64 = 320 * 1024;

/// An upload session for a large file: the `uploadUrl` a
/// `createUploadSession` call returned, and the file's size.
///
/// The file goes up in chunks, each a `PUT` of a byte range to the upload
/// URL ([`UploadSession::chunk_request`]), until the service answers with
/// the created item. After an interruption, [`UploadSession::status_request`]
/// asks which bytes the service still expects, and the upload resumes there.
/// (With the `client` feature, `Client::upload` does all of it.)
///
/// The upload URL is pre-authenticated: these requests carry no
/// `Authorization` header, and Graph refuses chunks that do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSession {
    upload_url: String,
    total_size: u64,
    chunk_size: u64,
}

/// Where an upload stands after a chunk or a status request.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadStatus<T> {
    /// More bytes are expected, from `next_offset` on (the start of the
    /// first range of `nextExpectedRanges`; `None` if the service sent none).
    InProgress {
        /// The offset of the first byte the service still expects.
        next_offset: Option<u64>,
    },
    /// The upload is complete: the created or replaced item.
    Complete(T),
}

impl UploadSession {
    /// A session for `total_size` bytes at `upload_url`, sent in chunks of
    /// 10 × 320 KiB (3.2 MiB).
    pub fn new(upload_url: impl Into<String>, total_size: u64) -> Self {
        Self {
            upload_url: upload_url.into(),
            total_size,
            chunk_size: 10 * UPLOAD_CHUNK_UNIT,
        }
    }

    /// Sets the chunk size, rounded down to a multiple of
    /// [`UPLOAD_CHUNK_UNIT`] (at least one unit), as the service requires.
    pub fn with_chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = (bytes / UPLOAD_CHUNK_UNIT).max(1) * UPLOAD_CHUNK_UNIT;
        self
    }

    /// The upload URL.
    pub fn upload_url(&self) -> &str {
        &self.upload_url
    }

    /// The size of the whole file.
    pub fn total_size(&self) -> u64 {
        self.total_size
    }

    /// The size of a chunk.
    pub fn chunk_size(&self) -> u64 {
        self.chunk_size
    }

    /// The byte range of the chunk that starts at `offset`, end exclusive:
    /// at most [`UploadSession::chunk_size`] bytes, not past the end.
    pub fn chunk_range(&self, offset: u64) -> std::ops::Range<u64> {
        let end = offset.saturating_add(self.chunk_size).min(self.total_size);
        offset.min(end)..end
    }

    /// The `PUT` of `chunk`, the file's bytes from `offset` on, with its
    /// `Content-Range: bytes {first}-{last}/{total}`.
    ///
    /// Fails with [`Error::InvalidRequest`] if the chunk is empty or goes
    /// past the file's size, or if the upload URL is not absolute.
    pub fn chunk_request(
        &self,
        offset: u64,
        chunk: Vec<u8>,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        let length = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        let last = offset
            .checked_add(length)
            .filter(|end| length > 0 && *end <= self.total_size)
            .map(|end| end - 1)
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "a chunk of {length} bytes at {offset} does not fit a file of {} bytes",
                    self.total_size
                ))
            })?;
        let mut request = self.request(http::Method::PUT, chunk)?;
        let headers = request.headers_mut();
        headers.insert(http::header::CONTENT_LENGTH, length.into());
        headers.insert(
            http::header::CONTENT_RANGE,
            header_value(&format!("bytes {offset}-{last}/{}", self.total_size))?,
        );
        Ok(request)
    }

    /// The `GET` of the upload URL that tells which bytes the service still
    /// expects, to resume an interrupted upload.
    pub fn status_request(&self) -> Result<http::Request<Vec<u8>>, Error> {
        self.request(http::Method::GET, Vec::new())
    }

    /// Reads the reply to a chunk or status request: `nextExpectedRanges`
    /// means more is expected, any other 2xx body is the item, parsed as
    /// `T` (a non-2xx status is [`Error::Status`]).
    pub fn parse_response<T: serde::de::DeserializeOwned>(
        &self,
        response: http::Response<Vec<u8>>,
    ) -> Result<UploadStatus<T>, Error> {
        if !response.status().is_success() {
            return Err(Error::Status(Box::new(ApiError::from_response(response))));
        }
        #[derive(Deserialize)]
        struct Progress {
            #[serde(rename = "nextExpectedRanges")]
            next_expected_ranges: Vec<String>,
        }
        let status = response.status();
        let body = response.body();
        if let Ok(progress) = serde_json::from_slice::<Progress>(body) {
            // Ranges read `start-end` or `start-`; the first is where to go on.
            let next_offset = progress
                .next_expected_ranges
                .first()
                .and_then(|range| range.split('-').next())
                .and_then(|start| start.trim().parse().ok());
            return Ok(UploadStatus::InProgress { next_offset });
        }
        parse_json(status, body).map(UploadStatus::Complete)
    }

    fn request(
        &self,
        method: http::Method,
        body: Vec<u8>,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        let uri = absolute_uri(&self.upload_url)
            .map_err(|reason| Error::InvalidRequest(format!("upload URL: {reason}")))?;
        let mut request = http::Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        Ok(request)
    }
}

// === JSON batching ===

/// The most requests one `$batch` may hold.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// Up to 20 requests sent as one JSON `$batch` (`POST /$batch`).
///
/// Add requests under ids of your choice, optionally depending on earlier
/// ones (the service then runs them in order), send
/// [`Batch::to_request`] like any request, and read each answer typed with
/// [`BatchResponse::result`] and the request it answers:
///
/// ```
/// use graph_sdk::runtime::{parse_json, Batch, Request};
///
/// let me = Request::<serde_json::Value>::new(http::Method::GET, "/me", 200, parse_json);
/// let mut batch = Batch::new();
/// batch.add("me", &me)?;
/// let request = batch.to_request()?;
/// assert_eq!(request.path(), "/$batch");
/// # Ok::<(), graph_sdk::runtime::Error>(())
/// ```
///
/// A request's body must be JSON (the batch carries it as JSON).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    requests: Vec<serde_json::Value>,
    ids: Vec<String>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `request` under `id`; see [`Batch::add_after`].
    pub fn add<R>(
        &mut self,
        id: impl Into<String>,
        request: &Request<R>,
    ) -> Result<&mut Self, Error> {
        self.add_after(id, request, &[])
    }

    /// Adds `request` under `id`, to run after the requests `depends_on`
    /// (`dependsOn`), which must already be in the batch.
    ///
    /// Fails with [`Error::InvalidRequest`] if the batch is full, the id is
    /// taken, a dependency is unknown or the body is not JSON.
    pub fn add_after<R>(
        &mut self,
        id: impl Into<String>,
        request: &Request<R>,
        depends_on: &[&str],
    ) -> Result<&mut Self, Error> {
        let id = id.into();
        let refuse = |reason: String| Err(Error::InvalidRequest(format!("$batch: {reason}")));
        if self.ids.len() >= MAX_BATCH_REQUESTS {
            return refuse(format!("more than {MAX_BATCH_REQUESTS} requests"));
        }
        if self.ids.contains(&id) {
            return refuse(format!("the id {id:?} is taken"));
        }
        if let Some(unknown) = depends_on
            .iter()
            .find(|d| !self.ids.iter().any(|i| i == *d))
        {
            return refuse(format!(
                "{id:?} depends on {unknown:?}, which is not in the batch"
            ));
        }
        // The URL relative to the service root, encoded as `to_http` encodes it.
        let wire = request.to_http("https://batch.invalid")?;
        let url = wire
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let mut headers = serde_json::Map::new();
        for (name, value) in wire.headers() {
            if let Ok(text) = value.to_str() {
                headers.insert(name.as_str().to_owned(), text.into());
            }
        }
        let mut entry = serde_json::json!({
            "id": id,
            "method": request.method().as_str(),
            "url": url,
        });
        if !headers.is_empty() {
            entry["headers"] = headers.into();
        }
        if let Some(body) = request.body() {
            match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(json) => entry["body"] = json,
                Err(_) => return refuse(format!("the body of {id:?} is not JSON")),
            }
        }
        if !depends_on.is_empty() {
            entry["dependsOn"] = depends_on.into();
        }
        self.requests.push(entry);
        self.ids.push(id);
        Ok(self)
    }

    /// How many requests the batch holds.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Returns `true` if the batch holds no request.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The `POST /$batch` request that sends them all.
    pub fn to_request(&self) -> Result<Request<BatchResponse>, Error> {
        Request::new(http::Method::POST, "/$batch", 200, parse_json)
            .with_json_body(&serde_json::json!({ "requests": self.requests }))
    }
}

/// The reply to a [`Batch`]: one response per request, in any order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The responses.
    #[serde(default)]
    pub responses: Vec<BatchItemResponse>,
}

/// One response of a [`BatchResponse`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BatchItemResponse {
    /// The id the request was added under.
    pub id: String,
    /// Its HTTP status.
    pub status: u16,
    /// Its headers.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// Its body, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

impl BatchResponse {
    /// The response to the request added under `id`.
    pub fn get(&self, id: &str) -> Option<&BatchItemResponse> {
        self.responses.iter().find(|response| response.id == id)
    }

    /// The response to the request added under `id`, read as `request` reads
    /// its own: the typed result, or [`Error::Status`] with the Graph error.
    ///
    /// Fails with [`Error::InvalidRequest`] if the batch has no response
    /// with that id.
    pub fn result<R>(&self, id: &str, request: &Request<R>) -> Result<R, Error> {
        let item = self.get(id).ok_or_else(|| {
            Error::InvalidRequest(format!("$batch: no response with the id {id:?}"))
        })?;
        request.parse_response(item.to_http()?)
    }
}

impl BatchItemResponse {
    /// The response as an `http::Response` (a JSON body written back as
    /// bytes), for [`Request::parse_response`].
    pub fn to_http(&self) -> Result<http::Response<Vec<u8>>, Error> {
        let body = match &self.body {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(json) => serde_json::to_vec(json).map_err(Error::Encode)?,
        };
        let mut response = http::Response::new(body);
        *response.status_mut() = http::StatusCode::from_u16(self.status).map_err(|_| {
            Error::InvalidRequest(format!("$batch: {:?} has status {}", self.id, self.status))
        })?;
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                response.headers_mut().append(name, value);
            }
        }
        Ok(response)
    }
}

// === URL and OData helpers ===

/// Everything but the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Query parameter names additionally keep `$`, as in `$select`.
const QUERY_NAME: &AsciiSet = &UNRESERVED.remove(b'$');

/// Percent-encodes `value` for use as one path segment.
///
/// Everything except the RFC 3986 unreserved characters is encoded (non-ASCII
/// as UTF-8 bytes), so an id like `a/b c'd` becomes `a%2Fb%20c%27d` and
/// cannot add segments or a query. The whole-segment values `.` and `..`
/// are encoded as `%2E` / `%2E%2E` so that RFC 3986 dot-segment removal
/// leaves them alone; note that WHATWG URL parsers still treat those as dot
/// segments, so callers should not pass them as ids.
pub fn encode_path_segment(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(value, UNRESERVED).to_string(),
    }
}

/// Percent-encodes a value that may span several path segments, such as the
/// `{path}` of `/drive/root:/{path}:`: each `/`-separated piece is encoded like
/// [`encode_path_segment`], and the slashes between them are kept.
pub fn encode_path(value: &str) -> String {
    value
        .split('/')
        .map(encode_path_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Formats `value` as an OData string literal for a function-call parameter
/// inside a path, such as `range(address='A1:B2')`.
///
/// Inner single quotes are doubled, as OData requires, and the content is
/// then encoded like a path segment; the surrounding quotes stay literal.
/// So `it's` becomes `'it%27%27s'`, which the service reads as `'it''s'`.
pub fn quote_odata_string(value: &str) -> String {
    format!("'{}'", encode_path_segment(&value.replace('\'', "''")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_accepts_every_standard_option_other_methods_only_documented_ones() {
        let request = Request::new(
            http::Method::GET,
            "/me/messages",
            200,
            parse_json::<serde_json::Value>,
        )
        .with_documented_query_options(&["$filter", "$orderby"]);
        assert_eq!(request.documented_query_options(), &["$filter", "$orderby"]);
        let undocumented = ODataQuery::new()
            .select(["subject"])
            .top(5)
            .format("json")
            .skip_token("X");
        let sent = request
            .try_with_odata_query(&undocumented)
            .and_then(|r| r.to_http("https://graph.microsoft.com/v1.0"));
        assert_eq!(
            sent.ok().as_ref().and_then(|s| s.uri().query()),
            Some("$select=subject&$top=5&$format=json&$skiptoken=X")
        );

        let post = Request::new(http::Method::POST, "/search/query", 200, parse_empty)
            .with_documented_query_options(&["$top"]);
        assert!(post
            .clone()
            .try_with_odata_query(&ODataQuery::new().top(1))
            .is_ok());
        match post.try_with_odata_query(&ODataQuery::new().filter("a eq 1")) {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("$filter")),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let names: Vec<&str> = ODataQuery::new()
            .select(["a"])
            .expand(["b"])
            .filter("c")
            .search("d")
            .order_by("e")
            .top(1)
            .skip(2)
            .count(true)
            .format("json")
            .skip_token("f")
            .to_pairs()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, STANDARD_QUERY_OPTIONS);
    }

    #[test]
    fn count_and_search_send_consistency_level_eventual_unless_set() {
        let base = "https://example.test/v1.0";
        let list = || Request::<Page<()>>::new(http::Method::GET, "/users", 200, parse_json);
        let counted = list().with_odata_query(&ODataQuery::new().count(true));
        let searched = list().with_odata_query(&ODataQuery::new().search("\"displayName:a\""));
        let not_counted = list().with_odata_query(&ODataQuery::new().count(false).top(1));
        let set_by_caller = list()
            .with_odata_query(&ODataQuery::new().count(true))
            .with_header("ConsistencyLevel", "session")
            .expect("valid header");
        let count_segment =
            Request::<Page<()>>::new(http::Method::GET, "/users/$count", 200, parse_json);
        let header = |request: &Request<Page<()>>| -> Option<String> {
            let sent = request.to_http(base).ok()?;
            let next = request
                .to_http_next_link("https://example.test/next")
                .ok()?;
            assert_eq!(
                sent.headers().get_all("consistencylevel").iter().count(),
                next.headers().get_all("consistencylevel").iter().count(),
                "the next page asks as the first did"
            );
            let value = sent.headers().get("consistencylevel")?.to_str().ok()?;
            Some(value.to_owned())
        };
        assert_eq!(header(&counted).as_deref(), Some("eventual"));
        assert_eq!(header(&searched).as_deref(), Some("eventual"));
        assert_eq!(header(&count_segment).as_deref(), Some("eventual"));
        assert_eq!(header(&not_counted), None);
        assert_eq!(header(&set_by_caller).as_deref(), Some("session"));
        assert_eq!(
            set_by_caller
                .to_http(base)
                .map(|r| r.headers().get_all("consistencylevel").iter().count())
                .ok(),
            Some(1)
        );
    }

    #[test]
    fn upload_chunks_carry_their_range_and_replies_say_where_to_go_on() {
        let session =
            UploadSession::new("https://up.example.test/s?x=1", 700_000).with_chunk_size(400_000);
        assert_eq!(session.chunk_size(), UPLOAD_CHUNK_UNIT);
        assert_eq!(session.chunk_range(0), 0..UPLOAD_CHUNK_UNIT);
        assert_eq!(session.chunk_range(655_360), 655_360..700_000);
        assert_eq!(session.chunk_range(800_000), 700_000..700_000);
        let put = session
            .chunk_request(655_360, vec![0; 44_640])
            .expect("fits");
        assert_eq!(put.method(), http::Method::PUT);
        assert_eq!(put.headers()["content-range"], "bytes 655360-699999/700000");
        assert_eq!(put.headers()["content-length"], "44640");
        assert!(!put.headers().contains_key("authorization"));
        for (offset, length) in [(655_360, 44_641), (0, 0), (u64::MAX, 1)] {
            assert!(
                matches!(
                    session.chunk_request(offset, vec![0; length]),
                    Err(Error::InvalidRequest(_))
                ),
                "{offset} {length}"
            );
        }

        let reply = |status: u16, body: &str| {
            http::Response::builder()
                .status(status)
                .body(body.as_bytes().to_vec())
                .expect("valid response")
        };
        let more = session.parse_response::<serde_json::Value>(reply(
            202,
            r#"{"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["327680-","700-800"]}"#,
        ));
        assert_eq!(
            more.ok(),
            Some(UploadStatus::InProgress {
                next_offset: Some(327_680)
            })
        );
        let done = session.parse_response::<serde_json::Value>(reply(201, r#"{"id":"item"}"#));
        assert_eq!(
            done.ok(),
            Some(UploadStatus::Complete(json!({"id": "item"})))
        );
        let gone = session.parse_response::<serde_json::Value>(reply(404, "{}"));
        assert_eq!(
            gone.err().and_then(|e| e.status()),
            Some(http::StatusCode::NOT_FOUND)
        );
        assert!(matches!(
            UploadSession::new("/relative", 1).status_request(),
            Err(Error::InvalidRequest(_))
        ));
    }

    #[test]
    fn a_batch_holds_up_to_twenty_json_requests_with_their_dependencies() {
        let get = Request::new(
            http::Method::GET,
            "/me/messages",
            200,
            parse_json::<Page<u8>>,
        )
        .with_odata_query(&ODataQuery::new().select(["subject"]).count(true));
        let post = Request::new(http::Method::POST, "/me/events", 201, parse_empty)
            .with_json_body(&json!({"subject": "x"}))
            .expect("builds");
        let mut batch = Batch::new();
        batch.add("1", &get).expect("fits");
        batch.add_after("2", &post, &["1"]).expect("fits");
        assert_eq!(batch.len(), 2);
        let request = batch.to_request().expect("builds");
        assert_eq!(
            (request.method(), request.path()),
            (&http::Method::POST, "/$batch")
        );
        let body: serde_json::Value =
            serde_json::from_slice(request.body().unwrap_or_default()).expect("JSON");
        assert_eq!(
            body,
            json!({"requests": [
                {"id": "1", "method": "GET", "url": "/me/messages?$select=subject&$count=true",
                 "headers": {"consistencylevel": "eventual"}},
                {"id": "2", "method": "POST", "url": "/me/events",
                 "headers": {"content-type": "application/json"},
                 "body": {"subject": "x"}, "dependsOn": ["1"]}
            ]})
        );

        for refused in [
            batch.clone().add("1", &get).err(),
            batch.clone().add_after("3", &get, &["9"]).err(),
            batch
                .clone()
                .add(
                    "4",
                    &Request::new(http::Method::PUT, "/x", 200, parse_empty)
                        .with_body(b"raw".to_vec(), "text/plain")
                        .expect("builds"),
                )
                .err(),
        ] {
            assert!(matches!(refused, Some(Error::InvalidRequest(_))));
        }
        let mut full = Batch::new();
        for id in 0..MAX_BATCH_REQUESTS {
            full.add(id.to_string(), &get).expect("fits");
        }
        assert!(full.add("21", &get).is_err());
    }

    #[test]
    fn batch_responses_read_typed_per_request() {
        let get = Request::new(
            http::Method::GET,
            "/me",
            200,
            parse_json::<serde_json::Value>,
        );
        let reply: BatchResponse = serde_json::from_value(json!({"responses": [
            {"id": "2", "status": 404, "headers": {"request-id": "r-2"},
             "body": {"error": {"code": "ErrorItemNotFound", "message": "Gone."}}},
            {"id": "1", "status": 200, "body": {"displayName": "Ada"}}
        ]}))
        .expect("parses");
        assert_eq!(
            reply.result("1", &get).ok(),
            Some(json!({"displayName": "Ada"}))
        );
        match reply.result("2", &get) {
            Err(Error::Status(api)) => {
                assert_eq!(api.code(), Some("ErrorItemNotFound"));
                assert_eq!(api.request_id.as_deref(), Some("r-2"));
            }
            other => panic!("expected a typed error, got {other:?}"),
        }
        assert!(matches!(
            reply.result("3", &get),
            Err(Error::InvalidRequest(_))
        ));
    }

    #[test]
    fn a_value_converts_into_a_nullable_and_a_boxed_nullable() {
        #[derive(Debug, PartialEq)]
        struct Recipient(&'static str);
        let plain: Nullable<String> = String::from("a").into();
        let boxed: Nullable<Box<Recipient>> = Recipient("b").into();
        let already_boxed: Nullable<Box<Recipient>> = Box::new(Recipient("c")).into();
        assert_eq!(plain, Nullable::Value(String::from("a")));
        assert_eq!(boxed, Nullable::Value(Box::new(Recipient("b"))));
        assert_eq!(already_boxed.value().map(|r| r.0), Some("c"));
        let literal: Nullable<String> = "d".into();
        assert_eq!(literal, Nullable::Value(String::from("d")));
    }

    #[test]
    fn a_throttled_response_keeps_retry_after_on_the_error() {
        let request = Request::new(http::Method::GET, "/me", 200, parse_empty);
        let throttled = http::Response::builder()
            .status(429)
            .header("Retry-After", "7")
            .header("request-id", "r-1")
            .body(br#"{"error":{"code":"TooManyRequests","message":"Slow down."}}"#.to_vec())
            .expect("valid response");
        let err = request.parse_response(throttled).expect_err("429 fails");
        assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
        let Error::Status(api) = &err else {
            panic!("expected Error::Status, got {err:?}");
        };
        assert_eq!(api.code(), Some("TooManyRequests"));
        assert_eq!(api.headers["request-id"], "r-1");
        assert_eq!(Error::InvalidRequest(String::new()).retry_after(), None);
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "retry-after",
            http::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None, "the date form is not read");
    }

    use serde_json::json;

    /// A model as the emitter writes one: `Nullable` fields, the
    /// `@odata.type` annotation, unknown properties kept, and the impls of
    /// `emit/json_impls.rs` spelled out by hand.
    #[derive(Default, PartialEq)]
    struct Patch {
        odata_type: Option<String>,
        nickname: Nullable<String>,
        phone: Nullable<String>,
        city: Nullable<String>,
        manager: Nullable<Box<Patch>>,
        reports: Nullable<Vec<Patch>>,
        additional_properties: JsonObject,
    }

    impl Serialize for Patch {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = ObjectWriter::new(serializer)?;
            object.field("@odata.type", &self.odata_type);
            object.field("nickname", &self.nickname);
            object.field("phone", &self.phone);
            object.field("city", &self.city);
            object.field("manager", &self.manager);
            object.field("reports", &self.reports);
            object.end(&self.additional_properties)
        }
    }

    impl<'de> Deserialize<'de> for Patch {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer)
        }
    }

    impl fmt::Debug for Patch {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let mut model = DebugModel::new(f, "Patch");
            model.property("odata_type", &self.odata_type);
            model.property("nickname", &self.nickname);
            model.property("phone", &self.phone);
            model.property("city", &self.city);
            model.property("manager", &self.manager);
            model.property("reports", &self.reports);
            model.finish(&self.additional_properties)
        }
    }

    impl FromJsonObject for Patch {
        fn from_json_object(object: JsonObject) -> Result<Self, FieldError> {
            read_object(object)
        }
    }

    impl ReadProperties for Patch {
        fn read_property(
            &mut self,
            key: String,
            json: serde_json::Value,
            reader: &mut ObjectReader,
        ) {
            match key.as_str() {
                "@odata.type" => reader.field(&mut self.odata_type, &key, json),
                "nickname" => reader.field(&mut self.nickname, &key, json),
                "phone" => reader.field(&mut self.phone, &key, json),
                "city" => reader.field(&mut self.city, &key, json),
                "manager" => reader.object(&mut self.manager, &key, json),
                "reports" => reader.objects(&mut self.reports, &key, json),
                _ => reader.other(key, json),
            }
        }

        fn additional_properties_mut(&mut self) -> &mut JsonObject {
            &mut self.additional_properties
        }
    }

    #[test]
    fn a_model_keeps_every_property_it_does_not_name() {
        let text = r##"{"@odata.type":"#x.patch","zeta":1,"city":"Oslo","alpha":{"b":[true]},"manager":{"phone":null,"extra":"kept"}}"##;
        let patch: Patch = serde_json::from_str(text).expect("parses");
        assert_eq!(patch.odata_type.as_deref(), Some("#x.patch"));
        // In `serde_json::Map`'s order: sorted, or as read when another crate
        // turns on its `preserve_order` (docgen does, in this workspace).
        let mut keys: Vec<&str> = patch
            .additional_properties
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["alpha", "zeta"]);
        let manager = patch.manager.value().expect("manager read");
        assert!(manager.phone.is_null());
        assert_eq!(manager.additional_properties["extra"], "kept");
        // Known properties first, in declaration order, then the others.
        let written = serde_json::to_string(&patch).expect("serializes");
        assert!(
            written.starts_with(
                r##"{"@odata.type":"#x.patch","city":"Oslo","manager":{"phone":null,"extra":"kept"},"##
            ),
            "{written}"
        );
        let reread: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
        let original: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(reread, original, "nothing lost or changed");
    }

    #[test]
    fn a_property_of_the_wrong_type_is_named_by_its_path() {
        let error = serde_json::from_str::<Patch>(r#"{"manager":{"manager":{"city":7}}}"#)
            .expect_err("a number is not a city");
        assert_eq!(
            error.to_string(),
            "property manager.manager.city: invalid type: integer `7`, expected a string"
        );
        let error =
            serde_json::from_str::<Patch>(r#"{"phone":[]}"#).expect_err("a list is not a phone");
        assert!(error
            .to_string()
            .starts_with("property phone: invalid type: sequence"));
        // Models and lists of models, read by the runtime rather than serde.
        for (text, message) in [
            (
                r#"{"manager":7}"#,
                "property manager: invalid type: integer `7`, expected a map",
            ),
            (
                r#"{"reports":{}}"#,
                "property reports: invalid type: map, expected a sequence",
            ),
            (
                r#"{"reports":[{"city":"Oslo"},"Bergen"]}"#,
                r#"property reports: invalid type: string "Bergen", expected a map"#,
            ),
            (
                r#"{"reports":[{"manager":{"city":7}}]}"#,
                "property reports.manager.city: invalid type: integer `7`, expected a string",
            ),
        ] {
            let error = serde_json::from_str::<Patch>(text).expect_err(text);
            assert_eq!(error.to_string(), message, "{text}");
        }
        // Not an object at all: serde_json's own message, with its position.
        let error = serde_json::from_str::<Patch>("[1]").expect_err("not an object");
        assert!(error.to_string().contains("line 1 column"), "{error}");
    }

    #[test]
    fn debug_shows_the_properties_a_model_holds() {
        let patch: Patch = serde_json::from_str(
            r#"{"city":"Oslo","phone":null,"reports":[{"nickname":"Al"}],"zeta":1}"#,
        )
        .expect("parses");
        assert_eq!(
            format!("{patch:?}"),
            r#"Patch { phone: null, city: "Oslo", reports: [Patch { nickname: "Al", .. }], additional_properties: {"zeta": Number(1)}, .. }"#
        );
        let full = Patch {
            odata_type: Some("#x.patch".into()),
            nickname: Nullable::Value("N".into()),
            phone: Nullable::Null,
            city: Nullable::Null,
            manager: Nullable::Null,
            reports: Nullable::Value(Vec::new()),
            additional_properties: JsonObject::new(),
        };
        assert_eq!(
            format!("{full:?}"),
            r##"Patch { odata_type: "#x.patch", nickname: "N", phone: null, city: null, manager: null, reports: [] }"##
        );
    }

    #[test]
    fn odata_type_keys_ignore_the_hash_and_case() {
        let object = |annotation: &str| {
            let mut object = JsonObject::new();
            object.insert("@odata.type".into(), annotation.into());
            object
        };
        assert_eq!(
            odata_type_key(&object("#microsoft.graph.fileAttachment")),
            "microsoft.graph.fileattachment"
        );
        assert_eq!(
            odata_type_key(&object("Microsoft.Graph.User")),
            "microsoft.graph.user"
        );
        assert_eq!(odata_type_key(&JsonObject::new()), "");
    }

    #[test]
    fn nullable_round_trips_absent_null_and_value() {
        let text = r#"{"phone":null,"city":"Oslo"}"#;
        let patch: Patch = serde_json::from_str(text).expect("parses");
        assert_eq!(patch.nickname, Nullable::Absent);
        assert!(patch.phone.is_null());
        assert_eq!(patch.city.value().map(String::as_str), Some("Oslo"));
        assert_eq!(serde_json::to_string(&patch).expect("serializes"), text);

        assert_eq!(Nullable::from(3).as_ref(), Nullable::Value(&3));
        assert_eq!(Nullable::<i32>::default().into_value(), None);
        assert_eq!(
            serde_json::to_string(&Nullable::<i32>::Absent).ok(),
            Some("null".into())
        );
    }

    #[test]
    fn text_primitives_keep_text_exactly() {
        let text = r#"["2016-12-31T23:56:51.5562076+03:00","P1DT2H"]"#;
        let parsed: (DateTimeOffset, Duration) = serde_json::from_str(text).expect("parses");
        assert_eq!(parsed.0.as_str(), "2016-12-31T23:56:51.5562076+03:00");
        assert_eq!(parsed.1.to_string(), "P1DT2H");
        assert_eq!(serde_json::to_string(&parsed).expect("serializes"), text);
        assert_eq!(
            Date::from("2024-02-29"),
            Date::new(String::from("2024-02-29"))
        );
    }

    #[test]
    fn page_round_trips_links_and_extra_annotations() {
        let original = json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=X",
            "@odata.count": 42,
            "@microsoft.graph.tips": "Use $select",
            "value": [{"id": "1"}, {"id": "2"}]
        });
        let page: Page<serde_json::Value> =
            serde_json::from_value(original.clone()).expect("parses");
        assert_eq!(page.value.len(), 2);
        assert_eq!(page.count, Some(42));
        assert!(page.next_link.as_deref().is_some_and(|l| l.ends_with("=X")));
        assert!(page
            .additional_properties
            .contains_key("@microsoft.graph.tips"));
        assert_eq!(serde_json::to_value(&page).expect("serializes"), original);

        let empty: Page<String> = serde_json::from_str("{}").expect("parses");
        assert_eq!(empty, Page::default());

        // The page's own members are type-checked as before.
        for (text, message) in [
            (
                r#"{"value":7}"#,
                "invalid type: integer `7`, expected a sequence",
            ),
            (
                r#"{"value":["a",7]}"#,
                "invalid type: integer `7`, expected a string",
            ),
            (
                r#"{"value":[],"@odata.count":"x"}"#,
                "invalid type: string \"x\"",
            ),
        ] {
            let error = serde_json::from_str::<Page<String>>(text).expect_err(text);
            assert!(error.to_string().starts_with(message), "{text}: {error}");
        }
        // An item's error names its property path, as a single model's does.
        let error = serde_json::from_str::<Page<Patch>>(r#"{"value":[{"city":7}]}"#)
            .expect_err("a number is not a city");
        assert!(
            error
                .to_string()
                .starts_with("property city: invalid type: integer `7`, expected a string"),
            "{error}"
        );
    }

    #[test]
    fn to_http_builds_method_url_query_headers_and_body() {
        let path = format!("/users/{}/messages", encode_path_segment("a/b c"));
        let request = Request::<serde_json::Value>::new(http::Method::POST, path, 201, parse_json)
            .with_query("$top", "5")
            .with_query("$filter", "name eq 'x y'")
            .with_json_body(&json!({"subject": "hi"}))
            .and_then(|r| r.with_header("Prefer", "return=minimal"))
            .expect("builds");
        assert_eq!(request.success_status(), http::StatusCode::CREATED);

        let http_request = request
            .to_http("https://graph.microsoft.com/v1.0/")
            .expect("valid URL");
        assert_eq!(http_request.method(), http::Method::POST);
        assert_eq!(
            http_request.uri().to_string(),
            "https://graph.microsoft.com/v1.0/users/a%2Fb%20c/messages\
             ?$top=5&$filter=name%20eq%20%27x%20y%27"
        );
        let headers = http_request.headers();
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(headers["prefer"], "return=minimal");
        assert_eq!(http_request.body(), br#"{"subject":"hi"}"#);
    }

    #[test]
    fn odata_query_options_go_on_the_url_in_a_fixed_order() {
        let options = ODataQuery::new()
            .count(true)
            .top(5)
            .skip(10)
            .order_by("displayName")
            .order_by("id desc")
            .search("\"displayName:a b\"")
            .filter("id eq '1'")
            .expand(["members"])
            .select(["id", "displayName"]);
        assert!(!options.is_empty());
        assert!(ODataQuery::new().is_empty());
        let request = Request::new(http::Method::GET, "/groups", 200, parse_empty)
            .with_query("$TOP", "99")
            .with_query("other", "kept")
            .with_odata_query(&options);
        let names: Vec<&str> = request.query().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "other", "$select", "$expand", "$filter", "$search", "$orderby", "$top", "$skip",
                "$count"
            ]
        );
        let uri = request.to_http("https://example.test/v1.0").expect("valid");
        assert_eq!(
            uri.uri().query(),
            Some(
                "other=kept&$select=id%2CdisplayName&$expand=members&$filter=id%20eq%20%271%27\
                 &$search=%22displayName%3Aa%20b%22&$orderby=displayName%2Cid%20desc&$top=5\
                 &$skip=10&$count=true"
            )
        );
        let unchanged = Request::new(http::Method::GET, "/groups", 200, parse_empty)
            .with_query("$top", "1")
            .with_odata_query(&ODataQuery::new());
        assert_eq!(unchanged.query(), [("$top".to_owned(), "1".to_owned())]);
    }

    #[test]
    fn next_link_requests_get_the_link_with_the_headers_but_no_body() {
        let request = Request::new(http::Method::POST, "/search", 200, parse_json::<Page<u8>>)
            .with_query("$top", "1")
            .with_json_body(&json!({"q": 1}))
            .and_then(|r| r.with_header("ConsistencyLevel", "eventual"))
            .expect("builds");
        let link = "https://example.test/v1.0/search?$skiptoken=a%2Fb";
        let next = request.to_http_next_link(link).expect("valid link");
        assert_eq!(next.method(), http::Method::GET);
        assert_eq!(next.uri().to_string(), link);
        assert!(next.body().is_empty());
        assert_eq!(next.headers()["consistencylevel"], "eventual");
        assert!(!next.headers().contains_key("content-type"));
        assert!(matches!(
            request.to_http_next_link("/v1.0/search?$skiptoken=x"),
            Err(Error::InvalidRequest(_))
        ));
    }

    #[test]
    fn transport_and_auth_errors_keep_their_source() {
        let err = Error::Transport("connection refused".into());
        assert_eq!(err.status(), None);
        assert_eq!(
            err.to_string(),
            "could not send the request: connection refused"
        );
        assert!(std::error::Error::source(&err).is_some());
        let err = Error::Auth("no token".into());
        assert_eq!(
            err.to_string(),
            "could not authenticate the request: no token"
        );
    }

    #[test]
    fn invalid_inputs_are_invalid_requests() {
        let request = Request::new(http::Method::GET, "/me", 1000, parse_empty);
        assert_eq!(request.success_status(), http::StatusCode::OK);
        assert!(matches!(
            request.clone().with_header("bad name", "x"),
            Err(Error::InvalidRequest(_))
        ));
        assert!(matches!(
            request.to_http("not a url"),
            Err(Error::InvalidRequest(_))
        ));
        assert!(matches!(
            request.to_http("/v1.0"),
            Err(Error::InvalidRequest(_))
        ));
        let http_request = request.to_http("https://example.test").expect("valid");
        assert!(http_request.body().is_empty());
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder
            .body(body.as_bytes().to_vec())
            .expect("valid response")
    }

    #[test]
    fn parse_response_decodes_success_bodies() {
        let created = Request::new(http::Method::POST, "/users", 201, parse_json::<Page<u8>>);
        let page = created
            .parse_response(response(201, &[], r#"{"value":[1,2]}"#))
            .expect("parses");
        assert_eq!(page.value, vec![1, 2]);

        let deleted = Request::new(http::Method::DELETE, "/users/1", 204, parse_empty);
        assert!(deleted.parse_response(response(204, &[], "")).is_ok());

        let photo = Request::new(http::Method::GET, "/me/photo/$value", 200, parse_bytes);
        let bytes = photo.parse_response(response(200, &[], "\u{1}PNG"));
        assert_eq!(bytes.expect("bytes"), b"\x01PNG");
    }

    #[test]
    fn parse_response_reports_graph_errors() {
        let request = Request::new(http::Method::GET, "/users/x", 200, parse_json::<Page<u8>>);
        let body = r#"{"error":{"code":"Request_ResourceNotFound","message":"Nope.",
            "innerError":{"date":"2024-01-01T00:00:00"}}}"#;
        let err = request
            .parse_response(response(404, &[("request-id", "abc-123")], body))
            .expect_err("404 fails");
        assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
        let Error::Status(api) = &err else {
            panic!("expected Error::Status, got {err:?}");
        };
        let detail = api.error.as_ref().expect("error body parsed");
        assert_eq!(detail.code, "Request_ResourceNotFound");
        assert_eq!(detail.message, "Nope.");
        assert!(detail.inner_error.is_some());
        assert_eq!(api.request_id.as_deref(), Some("abc-123"));
        assert_eq!(
            err.to_string(),
            "request failed with HTTP 404 Not Found: Request_ResourceNotFound: Nope. \
             (request-id abc-123)"
        );

        let err = request
            .parse_response(response(500, &[("client-request-id", "c-1")], "oops"))
            .expect_err("500 fails");
        let Error::Status(api) = err else {
            panic!("expected Error::Status");
        };
        assert_eq!((api.error, api.request_id.as_deref()), (None, Some("c-1")));
        assert_eq!(api.body, b"oops");
    }

    #[test]
    fn malformed_success_body_is_a_decode_error() {
        let request = Request::new(http::Method::GET, "/me", 200, parse_json::<Page<u8>>);
        let err = request
            .parse_response(response(200, &[], "{not json"))
            .expect_err("fails");
        assert!(matches!(
            &err,
            Error::Decode { status, body, .. } if *status == 200 && body == b"{not json"
        ));
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn path_segments_and_odata_strings_are_encoded() {
        assert_eq!(encode_path_segment("a/b c'd"), "a%2Fb%20c%27d");
        assert_eq!(encode_path_segment("Zoë?#"), "Zo%C3%AB%3F%23");
        assert_eq!(encode_path_segment("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(encode_path_segment(".."), "%2E%2E");
        assert_eq!(encode_path_segment("."), "%2E");
        assert_eq!(quote_odata_string("it's"), "'it%27%27s'");
    }
}
