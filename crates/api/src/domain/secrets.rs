//! Passwords, random tokens and signed (JWT) tokens.
//!
//! Passwords are argon2id hashes (slow on purpose). Random tokens — refresh tokens, invitation
//! tokens, API keys — carry 256 bits of entropy, so a fast SHA-256 of them is what we store.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Whether `password` matches the stored argon2 hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same time as a real verification, so "no such account" and "wrong password"
/// cannot be told apart by timing.
pub fn verify_password_of_nobody(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(hash, password);
}

/// A URL-safe random token with 256 bits of entropy.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hex SHA-256 of a high-entropy token, as stored in the database.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Signs and checks the server's JWTs (HS256).
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    /// Keys derived from the shared secret.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Signs `claims`.
    pub fn sign<C: Serialize>(&self, claims: &C) -> anyhow::Result<String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing token: {e}"))
    }

    /// Checks signature and expiry; `Err` tells whether the token merely expired.
    pub fn verify<C: DeserializeOwned>(&self, token: &str) -> Result<C, TokenProblem> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        decode::<C>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenProblem::Expired,
                _ => TokenProblem::Invalid,
            })
    }
}

/// Why a signed token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    Expired,
    Invalid,
}

/// Encrypts the secrets a tenant hands us (WhatsApp tokens, app secrets) for storage:
/// AES-256-GCM with a random nonce per value, the key derived from the server's secrets key.
/// A database dump alone does not reveal them.
#[derive(Clone)]
pub struct SecretBox {
    cipher: aes_gcm::Aes256Gcm,
}

impl SecretBox {
    /// The box for `key_material` (any string; SHA-256 makes it a 256-bit key).
    pub fn new(key_material: &str) -> Self {
        use aes_gcm::KeyInit;
        let key = Sha256::digest(format!("switchboard-secrets:{key_material}").as_bytes());
        SecretBox {
            cipher: aes_gcm::Aes256Gcm::new(&key),
        }
    }

    /// `plain` encrypted, as URL-safe base64 of the nonce followed by the ciphertext.
    pub fn seal(&self, plain: &str) -> String {
        use aes_gcm::aead::Aead;
        let nonce: [u8; 12] = rand::random();
        let sealed = self
            .cipher
            .encrypt(&nonce.into(), plain.as_bytes())
            .expect("AES-GCM encryption of an in-memory value cannot fail");
        URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat())
    }

    /// The value `seal` made; an error if it was changed or sealed with another key.
    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        use aes_gcm::aead::Aead;
        let bytes = URL_SAFE_NO_PAD.decode(sealed)?;
        if bytes.len() < 12 {
            anyhow::bail!("sealed secret is too short");
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(nonce.into(), body)
            .map_err(|_| anyhow::anyhow!("sealed secret does not open with this key"))?;
        Ok(String::from_utf8(plain)?)
    }
}

/// The last four characters of a secret, which is all the API ever shows of it.
pub fn last4(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sealed_secrets_open_with_their_key_only() {
        let sealed = super::SecretBox::new("key one").seal("EAAG-token-1234");
        assert!(!sealed.contains("token"));
        assert_eq!(
            super::SecretBox::new("key one").open(&sealed).unwrap(),
            "EAAG-token-1234"
        );
        assert!(super::SecretBox::new("key two").open(&sealed).is_err());
        assert_ne!(
            super::SecretBox::new("key one").seal("x"),
            super::SecretBox::new("key one").seal("x")
        );
        assert_eq!(super::last4("EAAG-token-1234"), "1234");
        assert_eq!(super::last4("ab"), "ab");
    }

    use super::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Claims {
        sub: String,
        exp: i64,
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash(&a).len(), 64);
    }

    #[test]
    fn jwt_round_trips_and_rejects_tampering_and_expiry() {
        let keys = JwtKeys::new(b"secret-one");
        let exp = chrono::Utc::now().timestamp() + 60;
        let token = keys
            .sign(&Claims {
                sub: "u".into(),
                exp,
            })
            .unwrap();
        assert_eq!(keys.verify::<Claims>(&token).unwrap().sub, "u");
        let other = JwtKeys::new(b"secret-two");
        assert_eq!(
            other.verify::<Claims>(&token).unwrap_err(),
            TokenProblem::Invalid
        );
        let old = keys
            .sign(&Claims {
                sub: "u".into(),
                exp: chrono::Utc::now().timestamp() - 5,
            })
            .unwrap();
        assert_eq!(
            keys.verify::<Claims>(&old).unwrap_err(),
            TokenProblem::Expired
        );
    }
}
