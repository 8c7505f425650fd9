//! The baseline: what a minimal hand-written client would declare for `getCustomers`.
//!
//! The same fields as the generated `CustomerSlicedResult`, with plain serde types: text is
//! `String` (including enums, dates and date-times, which are kept as text instead of parsed),
//! optional fields are `Option`, no leniency and no unknown-value fallback.

use serde::Deserialize;

/// `CustomerSlicedResult`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // Fields are decoded to be measured, never read.
pub struct CustomerSlice {
    pub result: Vec<Customer>,
    pub has_next: bool,
    pub offset: String,
}

/// `Customer`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Customer {
    pub id: i64,
    pub customer_number: Option<String>,
    pub first_name: Option<String>,
    pub second_first_name: Option<String>,
    pub last_name: Option<String>,
    pub second_last_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub second_street: Option<String>,
    pub city_part: Option<String>,
    pub district: Option<String>,
    pub street_type: Option<String>,
    pub street_block: Option<String>,
    pub portal: Option<String>,
    pub stairway: Option<String>,
    pub door: Option<String>,
    pub province: Option<String>,
    pub additional_address_information: Option<String>,
    pub floor: Option<String>,
    pub building_name: Option<String>,
    pub status: String,
    pub card_numbers: Option<Vec<String>>,
    pub image_url: Option<String>,
    pub phone_private: Option<String>,
    pub phone_private_mobile: Option<String>,
    pub phone_business: Option<String>,
    pub phone_business_mobile: Option<String>,
    pub idle_periods: Option<Vec<IdlePeriod>>,
    pub bank_account: Option<BankAccount>,
    pub access_refusal: bool,
    pub access_restrictions: Option<Vec<AccessRestriction>>,
    pub uuid: Option<String>,
    pub referral_code: Option<String>,
    pub studio_id: Option<i64>,
    pub preferred_language: Option<Language>,
    pub additional_information_field_assignments: Option<Vec<FieldAssignment>>,
    pub third_party_id: Option<String>,
    pub created_date_time: Option<String>,
    pub access_mediums: Option<Vec<AccessMedium>>,
}

/// `CustomerIdlePeriod`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct IdlePeriod {
    pub id: i64,
    pub start_date: String,
    pub end_date: String,
    pub reason: Option<String>,
    pub contract: Option<SimpleContract>,
    pub unlimited: bool,
}

/// `SimpleContract`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SimpleContract {
    pub id: i64,
    pub rate_name: String,
}

/// `BankAccount`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct BankAccount {
    pub account_holder: Option<String>,
    pub bank_name: Option<String>,
    pub bic: Option<String>,
    pub iban: Option<String>,
}

/// `AccessRestriction`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct AccessRestriction {
    pub reason: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// `Language`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Language {
    pub language_code: String,
    pub country_code: Option<String>,
}

/// `AdditionalInformationFieldAssignment`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct FieldAssignment {
    pub additional_information_field_id: i64,
    pub value: String,
}

/// `AccessMediumDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct AccessMedium {
    pub id: Option<i64>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub value: Option<String>,
}
