//! OpenAPI schema pieces the derive cannot express (only with the `openapi` feature).

use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, SchemaType, Type};

/// An array of at most `max_items` texts of `min..=max` characters that are not only spaces:
/// limits that reach into the items, which `#[schema(...)]` cannot annotate.
pub fn text_list(
    (min, max): (usize, usize),
    max_items: usize,
    nullable: bool,
    description: &str,
) -> Array {
    let item = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some("\\S"));
    let kind = if nullable {
        SchemaType::from_iter([Type::Array, Type::Null])
    } else {
        SchemaType::new(Type::Array)
    };
    ArrayBuilder::new()
        .schema_type(kind)
        .items(item)
        .max_items(Some(max_items))
        .description(Some(description))
        .build()
}
