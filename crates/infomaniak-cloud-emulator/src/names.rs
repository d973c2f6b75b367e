//! OpenStack names the service generates: `PCU-` (users) or `PCP-` (projects) followed by
//! seven upper-case letters or digits.

use rand::Rng;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SUFFIX_LEN: usize = 7;

/// Prefix of user names.
pub const USER_PREFIX: &str = "PCU-";
/// Prefix of project names.
pub const PROJECT_PREFIX: &str = "PCP-";

/// Draws a name with the prefix that `taken` does not already hold.
pub fn generate(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut rng = rand::rng();
    loop {
        let suffix: String = (0..SUFFIX_LEN)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        let name = format!("{prefix}{suffix}");
        if !taken(&name) {
            return name;
        }
    }
}

/// Whether a name has the service's shape for the prefix.
pub fn is_valid(prefix: &str, name: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == SUFFIX_LEN && rest.bytes().all(|b| ALPHABET.contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_have_the_service_shape() {
        for _ in 0..200 {
            let name = generate(USER_PREFIX, |_| false);
            assert!(is_valid(USER_PREFIX, &name), "{name}");
            assert!(!is_valid(PROJECT_PREFIX, &name));
        }
    }

    #[test]
    fn generation_skips_taken_names() {
        let first = generate(PROJECT_PREFIX, |_| false);
        let second = generate(PROJECT_PREFIX, |n| n == first);
        assert_ne!(first, second);
    }

    #[test]
    fn shape_check_rejects_lower_case_and_wrong_length() {
        assert!(!is_valid(USER_PREFIX, "PCU-abcdefg"));
        assert!(!is_valid(USER_PREFIX, "PCU-ABCDEF"));
        assert!(!is_valid(USER_PREFIX, "PCU-ABCDEFGH"));
        assert!(is_valid(USER_PREFIX, "PCU-AB12CD3"));
    }
}
