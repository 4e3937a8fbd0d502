//! The OpenID Connect relying party: discovery, the authorization code flow with PKCE
//! S256, state and nonce, and full ID-token verification (openidconnect crate).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::user::Identity;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreClaimName, CoreClaimType,
    CoreClientAuthMethod, CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreJsonWebKey,
    CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreSubjectIdentifierType, CoreTokenIntrospectionResponse,
    CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AdditionalProviderMetadata, AuthorizationCode, Client,
    ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, ProviderMetadata, RedirectUrl, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};

/// Claims we read beyond the standard ones (the groups claim has a configurable name).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraClaims {
    #[serde(flatten)]
    pub other: HashMap<String, serde_json::Value>,
}
impl AdditionalClaims for ExtraClaims {}

/// `end_session_endpoint` from RP-Initiated Logout, when the provider has one.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct LogoutMetadata {
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}
impl AdditionalProviderMetadata for LogoutMetadata {}

type Metadata = ProviderMetadata<
    LogoutMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;
type IdFields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type TokenResp = StandardTokenResponse<IdFields, CoreTokenType>;
type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResp,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

#[derive(Clone, Debug)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_url: String,
    /// Beyond `openid profile email`.
    pub extra_scopes: Vec<String>,
    pub groups_claim: String,
}

/// One sign-in attempt, kept in the session under its `state` until the callback.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attempt {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
    pub created_at: i64,
}

/// Why a sign-in failed. `Provider*` are configuration or availability problems.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("sign-in is unavailable: {0}")]
    Unavailable(String),
    #[error("the identity provider rejected the request: {0}")]
    Provider(String),
    /// The provider refused the code (tampered, replayed or expired): the browser's request was bad.
    #[error("the sign-in code was not accepted: {0}")]
    Rejected(String),
    #[error("the ID token is not valid: {0}")]
    InvalidToken(String),
}

struct Discovered {
    metadata: Metadata,
    client: OidcClient,
}

pub struct Oidc {
    settings: OidcSettings,
    http: reqwest::Client,
    current: RwLock<Option<Arc<Discovered>>>,
    last_error: RwLock<Option<String>>,
    /// When the JWKS was last refetched because of an unknown key (rate limit).
    jwks_refetch: Mutex<Option<Instant>>,
}

/// At most one JWKS refetch per this interval.
const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(60);
/// How far in the future an `iat` may be (clock skew).
const MAX_IAT_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

impl Oidc {
    pub fn new(settings: OidcSettings) -> Result<Self, String> {
        IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| format!("HACKFEST_OIDC_ISSUER: {e}"))?;
        RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| format!("HACKFEST_PUBLIC_URL: {e}"))?;
        // SECURITY 13: never follow redirects (SSRF through a malicious provider).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Oidc {
            settings,
            http,
            current: RwLock::new(None),
            last_error: RwLock::new(None),
            jwks_refetch: Mutex::new(None),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    pub fn client_id(&self) -> &str {
        &self.settings.client_id
    }

    /// Fetches the discovery document and JWKS. The crate refuses a document whose
    /// `issuer` differs from the configured one (SECURITY 7).
    pub async fn discover(&self) -> Result<(), String> {
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| e.to_string())?;
        let result = Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| error_chain(&e));
        match result {
            Ok(metadata) => {
                let client = self.client_for(metadata.clone());
                *self.current.write().await = Some(Arc::new(Discovered { metadata, client }));
                *self.last_error.write().await = None;
                Ok(())
            }
            Err(e) => {
                *self.last_error.write().await = Some(e.clone());
                Err(e)
            }
        }
    }

    fn client_for(&self, metadata: Metadata) -> OidcClient {
        Client::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(
            RedirectUrl::new(self.settings.redirect_url.clone()).expect("checked in new()"),
        )
    }

    /// Retries discovery in the background until it works (the app serves meanwhile).
    pub fn spawn_discovery(self: &Arc<Self>) {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let mut delay = Duration::from_secs(1);
            loop {
                match this.discover().await {
                    Ok(()) => {
                        tracing::info!(issuer = %this.settings.issuer, "OpenID provider discovered");
                        return;
                    }
                    Err(e) => {
                        tracing::error!(
                            issuer = %this.settings.issuer,
                            error = %e,
                            retry_in_s = delay.as_secs(),
                            "HACKFEST_OIDC_ISSUER: discovery failed; sign-in is unavailable until it succeeds"
                        );
                    }
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(60));
            }
        });
    }

    async fn discovered(&self) -> Result<Arc<Discovered>, OidcError> {
        if let Some(d) = self.current.read().await.clone() {
            return Ok(d);
        }
        // Try once more now; the background task keeps retrying too.
        match self.discover().await {
            Ok(()) => Ok(self.current.read().await.clone().expect("just discovered")),
            Err(e) => Err(OidcError::Unavailable(format!(
                "the identity provider {} cannot be reached ({e})",
                self.settings.issuer
            ))),
        }
    }

    pub async fn end_session_endpoint(&self) -> Option<String> {
        let d = self.current.read().await.clone()?;
        d.metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()
    }

    /// Starts a sign-in: the provider URL to send the browser to, and what to keep.
    pub async fn begin(&self, next: String) -> Result<(String, Attempt), OidcError> {
        let d = self.discovered().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = d
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()));
        for s in &self.settings.extra_scopes {
            req = req.add_scope(Scope::new(s.clone()));
        }
        let (url, state, nonce) = req.url();
        let attempt = Attempt {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next,
            created_at: Utc::now().timestamp(),
        };
        Ok((url.to_string(), attempt))
    }

    /// Finishes a sign-in: exchanges the code (with the PKCE verifier), verifies the
    /// ID token (signature, iss, aud, exp, iat, nonce, at_hash) and reads the person.
    pub async fn finish(&self, attempt: &Attempt, code: String) -> Result<Identity, OidcError> {
        let d = self.discovered().await?;
        let token = d
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| OidcError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match &e {
                openidconnect::RequestTokenError::ServerResponse(r)
                    if matches!(r.error(), CoreErrorResponseType::InvalidGrant) =>
                {
                    OidcError::Rejected(error_chain(&e))
                }
                // The ID token inside could not be read (e.g. a claim such as sub is missing).
                openidconnect::RequestTokenError::Parse(..) => {
                    OidcError::InvalidToken(error_chain(&e))
                }
                _ => OidcError::Provider(error_chain(&e)),
            })?;
        let id_token = token
            .id_token()
            .ok_or_else(|| OidcError::InvalidToken("the token response has no ID token".into()))?;
        let nonce = Nonce::new(attempt.nonce.clone());

        let claims = match verify(&d, id_token, &nonce, token.access_token()) {
            Err(Verify::UnknownKey) => {
                // The provider may have rotated its key: refetch the JWKS once (SECURITY 6).
                let fresh = self.refetch_jwks(&d).await?.ok_or_else(|| {
                    OidcError::InvalidToken("no key in the provider's JWKS matches".into())
                })?;
                verify(&fresh, id_token, &nonce, token.access_token())
            }
            other => other,
        }
        .map_err(|e| match e {
            Verify::UnknownKey => {
                OidcError::InvalidToken("no key in the provider's JWKS matches".into())
            }
            Verify::Invalid(m) => OidcError::InvalidToken(m),
        })?;

        let mut groups = read_groups(claims.additional_claims(), &self.settings.groups_claim);
        let mut username = claims
            .preferred_username()
            .map(|u| u.as_str().to_owned())
            .or_else(|| {
                claims
                    .nickname()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().to_owned())
            });
        let mut display_name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned());
        let mut email = claims.email().map(|e| e.as_str().to_owned());

        // Groups (and missing names) from UserInfo when the ID token lacks them: Fedora's
        // provider sends groups only there (SECURITY 12).
        if groups.is_none() || username.is_none() {
            let info: UserInfoClaims<ExtraClaims, CoreGenderClaim> = d
                .client
                .user_info(token.access_token().clone(), Some(claims.subject().clone()))
                .map_err(|e| OidcError::Provider(e.to_string()))?
                .request_async(&self.http)
                .await
                .map_err(|e| match e {
                    // E.g. UserInfo speaks of another subject than the ID token.
                    openidconnect::UserInfoError::ClaimsVerification(_) => {
                        OidcError::InvalidToken(error_chain(&e))
                    }
                    _ => OidcError::Provider(error_chain(&e)),
                })?;
            if groups.is_none() {
                groups = read_groups(info.additional_claims(), &self.settings.groups_claim);
            }
            username = username
                .or_else(|| info.preferred_username().map(|u| u.as_str().to_owned()))
                .or_else(|| {
                    info.nickname()
                        .and_then(|n| n.get(None))
                        .map(|n| n.as_str().to_owned())
                });
            display_name = display_name.or_else(|| {
                info.name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().to_owned())
            });
            email = email.or_else(|| info.email().map(|e| e.as_str().to_owned()));
        }
        let subject = claims.subject().as_str().to_owned();
        let username = username.unwrap_or_else(|| subject.clone());
        Ok(Identity {
            issuer: self.settings.issuer.clone(),
            subject,
            display_name: display_name.unwrap_or_else(|| username.clone()),
            username,
            email: email.unwrap_or_default(),
            groups: groups.unwrap_or_default(),
        })
    }

    /// A new client with a freshly fetched JWKS, at most once per interval.
    async fn refetch_jwks(&self, d: &Discovered) -> Result<Option<Arc<Discovered>>, OidcError> {
        let mut last = self.jwks_refetch.lock().await;
        if last.is_some_and(|t| t.elapsed() < JWKS_REFETCH_INTERVAL) {
            return Ok(None);
        }
        *last = Some(Instant::now());
        let jwks = CoreJsonWebKeySet::fetch_async(d.metadata.jwks_uri(), &self.http)
            .await
            .map_err(|e| {
                OidcError::Unavailable(format!("fetching the provider's keys failed: {e}"))
            })?;
        let metadata = d.metadata.clone().set_jwks(jwks);
        let fresh = Arc::new(Discovered {
            client: self.client_for(metadata.clone()),
            metadata,
        });
        *self.current.write().await = Some(Arc::clone(&fresh));
        Ok(Some(fresh))
    }
}

enum Verify {
    UnknownKey,
    Invalid(String),
}

type Claims = openidconnect::IdTokenClaims<ExtraClaims, CoreGenderClaim>;
type IdToken = openidconnect::IdToken<
    ExtraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Signature, iss, aud (no untrusted extra audiences), exp, iat, nonce, and at_hash.
fn verify(
    d: &Discovered,
    id_token: &IdToken,
    nonce: &Nonce,
    access_token: &openidconnect::AccessToken,
) -> Result<Claims, Verify> {
    let verifier = d
        .client
        .id_token_verifier()
        .set_issue_time_verifier_fn(|iat| {
            if iat > Utc::now() + MAX_IAT_SKEW {
                Err("iat is in the future".into())
            } else {
                Ok(())
            }
        });
    let claims = id_token.claims(&verifier, nonce).map_err(|e| match e {
        openidconnect::ClaimsVerificationError::SignatureVerification(
            openidconnect::SignatureVerificationError::NoMatchingKey,
        ) => Verify::UnknownKey,
        e => Verify::Invalid(e.to_string()),
    })?;
    // at_hash, when present, must match the access token (SECURITY 9).
    if let Some(expected) = claims.access_token_hash() {
        let invalid = |e: &dyn std::fmt::Display| Verify::Invalid(e.to_string());
        let alg = id_token.signing_alg().map_err(|e| invalid(&e))?;
        let key = id_token.signing_key(&verifier).map_err(|e| invalid(&e))?;
        let actual =
            AccessTokenHash::from_token(access_token, alg, key).map_err(|e| invalid(&e))?;
        if actual != *expected {
            return Err(Verify::Invalid(
                "at_hash does not match the access token".into(),
            ));
        }
    }
    Ok(claims.clone())
}

fn read_groups(extra: &ExtraClaims, claim: &str) -> Option<Vec<String>> {
    match extra.other.get(claim)? {
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        ),
        serde_json::Value::String(s) => Some(s.split_whitespace().map(str::to_owned).collect()),
        _ => None,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    msg
}
