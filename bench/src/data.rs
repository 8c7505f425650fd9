//! Response bodies shaped like the Magicline Open API's, built from the spec's examples for
//! `Customer` (magicline-openapi-1.11.1) with every documented field present and values varied
//! per customer, so no two customers decode to identical text.

use serde_json::{Value, json};

const FIRST_NAMES: [&str; 8] = [
    "Edgar", "Maria", "Jürgen", "Aylin", "Thomas", "Sophie", "Lukas", "Zoë",
];
const LAST_NAMES: [&str; 8] = [
    "Bullock",
    "Meyer",
    "Schröder",
    "Yılmaz",
    "Fischer",
    "Wagner",
    "Becker",
    "Hoffmann",
];
const GENDERS: [&str; 3] = ["MALE", "FEMALE", "UNISEX"];
const STATUSES: [&str; 3] = ["MEMBER", "PROSPECT", "FORMER_MEMBER"];
const MEDIUM_TYPES: [&str; 4] = ["CARD_NUMBER", "PIN", "BARCODE", "WALLET_PASS"];
/// The three shapes the servers send (see `openapi_client_runtime::DateTime`).
const CREATED: [&str; 3] = [
    "2022-06-15T23:59:59.999+02:00[Europe/Berlin]",
    "2024-06-13T10:33:00Z",
    "2025-09-21T08:15:30",
];

/// One customer, as `GET /v1/customers/{id}` returns it.
pub fn customer(i: usize) -> Value {
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i / 8) % LAST_NAMES.len()];
    json!({
        "id": 1000 + i,
        "customerNumber": format!("1-{:05}", i),
        "firstName": first,
        "secondFirstName": "Thomas",
        "lastName": last,
        "secondLastName": "Meyer",
        "dateOfBirth": format!("19{:02}-{:02}-{:02}", 40 + i % 60, 1 + i % 12, 1 + i % 28),
        "email": format!("{}.{}{}@example.com", first.to_lowercase(), last.to_lowercase(), i),
        "gender": GENDERS[i % GENDERS.len()],
        "street": "Am Bahnhof",
        // The spec's example sends a number here; real responses send text, and the baseline
        // (strict serde) could not decode a number.
        "houseNumber": format!("{}", 1 + i % 200),
        "zipCode": format!("{:05}", 10000 + i % 90000),
        "city": "Munich",
        "country": "DE",
        "secondStreet": "Second Street",
        "cityPart": "Tegel",
        "district": "District 12",
        "streetType": "Avenue",
        "streetBlock": "5th block",
        "portal": "Portal 1",
        "stairway": "Right stairway",
        "door": "Door 1",
        "province": "Champagne",
        "additionalAddressInformation": "Additional information",
        "floor": "2nd floor",
        "buildingName": "Empire State Building",
        "status": STATUSES[i % STATUSES.len()],
        "cardNumbers": [format!("{}", 1290158199 + i)],
        "imageUrl": format!("https://example.com/images/{i}.jpg"),
        "phonePrivate": "+49 30901820",
        "phonePrivateMobile": "+49 15223433333",
        "phoneBusiness": "+49 30901820",
        "phoneBusinessMobile": "+49 15223433333",
        "idlePeriods": [{
            "id": 1000 + i,
            "startDate": "2022-01-01",
            "endDate": "2022-10-01",
            "reason": "Illness",
            "contract": {"id": 1000 + i, "rateName": "Premium"},
            "unlimited": false
        }],
        "bankAccount": {
            "accountHolder": format!("{first} {last}"),
            "bankName": "Deutsche Bank",
            "bic": "DEUTDEFFXXX",
            "iban": "DE91 1000 0000 0123 4567 89"
        },
        "accessRefusal": i % 10 == 0,
        "accessRestrictions": [{
            "reason": "Destroyed equipment",
            "startDate": "2024-01-01",
            "endDate": "2024-06-30"
        }],
        "uuid": format!("7be3932c-825b-4401-abff-{:012x}", i),
        "referralCode": format!("{:05X}", i),
        "studioId": 1238735970,
        "preferredLanguage": {"languageCode": "de", "countryCode": "DE"},
        "additionalInformationFieldAssignments": [
            {"additionalInformationFieldId": 1234567890, "value": "Yes"},
            {"additionalInformationFieldId": 1234567891, "value": format!("note {i}")}
        ],
        "thirdPartyId": format!("A{}", 1000 + i),
        "createdDateTime": CREATED[i % CREATED.len()],
        "accessMediums": [
            {"id": 1234567890 + i, "type": MEDIUM_TYPES[i % MEDIUM_TYPES.len()], "value": format!("{}", 1290158199 + i)}
        ]
    })
}

/// A `getCustomers` response (`CustomerSlicedResult`) with `count` customers, as compact JSON.
pub fn customer_slice(count: usize) -> Vec<u8> {
    let result: Vec<Value> = (0..count).map(customer).collect();
    let body = json!({
        "result": result,
        "hasNext": true,
        "offset": format!("{}", 1000 + count),
    });
    serde_json::to_vec(&body).expect("a Value always serialises")
}
