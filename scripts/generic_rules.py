"""Writes rules/generic/generic.yaml from the families below: edit a family here, run this, review the diff."""
from pathlib import Path

import yaml, json
R = []
def rule(id, cat, title, match, cause, fix, docs, ex, nex, priority, transient=False, severity="error"):
    R.append(dict(id=id, gateway="any", category=cat, confidence="likely", priority=priority, severity=severity,
                  transient=transient, title=title, match=match, cause=cause, fix=fix, docs=docs,
                  examples={"match": ex, "no_match": nex}))
def codes(values):
    groups = [{"body": [{"field": f, "in": values}]} for f in ("$code", "$type", "error.details.reason", "error.__type", "__type")]
    named = [v for v in values if v.endswith(("Exception", "Error", "NotFound"))]
    if named:  # AWS and SDK exception names, as botocore and friends print them in plain text
        groups.append({"body": [{"regex": r"\b(" + "|".join(named) + r")\b"}]})
    return {"any": groups}
def rx(p): return {"body": [{"regex": p}]}
def spaced(pattern):
    """A space between words matches any run of whitespace (an SDK or a terminal wraps long messages);
    spaces inside a character class stay as they are."""
    out, depth = [], 0
    for i, ch in enumerate(pattern):
        if ch == "[" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif ch == "]" and depth and pattern[i - 1] != "\\":
            depth -= 1
        out.append(r"\s+" if ch == " " and depth == 0 else ch)
    return "".join(out)
FAM = {
 "quota": ("The account's quota, credits or budget are used up", "The provider or gateway refuses the call because the account has no credit, quota or budget left (billing not set up, prepaid credits spent, a spend or daily limit reached). Retrying does not help until the quota resets or billing is fixed.", "Check the plan, billing and usage page of the service named in the response; add credits, raise the limit, or wait for the stated reset.", False),
 "rate-limit": ("Too many requests: a rate limit was hit", "The service throttled the request: too many requests or tokens per minute, or too many at once. It succeeds again after a short wait.", "Retry with exponential backoff and honour Retry-After; lower concurrency, or ask for a higher limit.", True),
 "credential": ("The credential was missing or rejected", "The service could not authenticate the request: no key or token was sent, or the one sent is wrong, expired, revoked or of the wrong kind.", "Check which key reaches the service (the header it expects, the variable your client reads) and replace it with a valid one; through a gateway, tell the gateway's own token apart from the provider's key.", False),
 "permission": ("Authenticated, but not allowed", "The credential was accepted but does not grant this action: the model or API is not enabled for the account, project or region, or a policy denies it.", "Enable access to the model or API for this account/project (model access, IAM role, API enablement, region), or use a credential that has it.", False),
 "model": ("The model is unknown or not served here", "The model name or deployment does not exist on this endpoint, is misspelled, retired, or not offered to this account.", "List the models the endpoint serves and use an exact id from that list (with the provider prefix where the gateway needs one).", False),
 "request": ("The request itself was rejected", "The service refused the request body: an unsupported or invalid parameter, a missing field, too many tokens for the context window, malformed JSON, or content blocked by a policy.", "Read the message for the parameter it names and fix the request; retrying the same request fails again.", False),
 "upstream": ("The provider or upstream service failed", "The service behind the gateway failed or is overloaded (500, 502, 503, 529): not a fault in the request.", "Retry with exponential backoff; if it persists, check the provider's status page or fail over to another model or region.", True),
 "timeout": ("The request timed out", "Somebody on the path gave up waiting: the model took too long, or a proxy, gateway or client deadline was reached.", "Retry; for long generations raise the client and gateway timeouts, stream the response, or ask for fewer tokens.", True),
 "routing": ("The URL, host or path is wrong", "The request went to an address that does not serve this API: a wrong base URL, path, API version or host name.", "Compare the URL with the service's documented base URL and path; check for a doubled or missing segment (/v1/v1, a missing provider slug).", False),
 "cache": ("A caching feature refused the request", "The provider's or gateway's cache rejected how caching was asked for: too many cache breakpoints, a cached prefix below the minimum size, or a cache store (Redis) the client cannot use.", "Read the message for the limit it names (breakpoints, minimum tokens) and adjust the cache markers, or turn caching off for this request; check the cache store's configuration.", False),
 "configuration": ("The client or network setup is wrong", "The request failed before a service could judge it: a TLS certificate not trusted, a proxy in the way, a connection refused, or a gateway feature not configured.", "Check the proxy and CA settings (HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE), that the host and port are right and reachable, and the gateway's configuration.", False),
}
def fam(cat, suffix, match, priority, ex, nex, title=None):
    t, cause, fix, transient = FAM[cat]
    docs = DOCS[cat]
    rule(f"generic.{cat}.{suffix}", cat, title or t, match, cause, fix, docs, ex, nex, priority, transient, "warning" if transient else "error")
MDN = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/"
DOCS = {"quota": MDN + "402", "rate-limit": MDN + "429", "credential": MDN + "401", "permission": MDN + "403",
        "model": MDN + "404", "request": MDN + "400", "upstream": MDN + "503", "timeout": MDN + "504",
        "routing": MDN + "404", "configuration": "https://developer.mozilla.org/en-US/docs/Web/HTTP/Proxy_servers_and_tunneling",
        "cache": "https://developer.mozilla.org/en-US/docs/Web/HTTP/Caching"}
B = lambda s: {"body": s}
# machine codes (strong)
fam("quota","error-code", codes(["insufficient_quota","billing_hard_limit_reached","insufficient_funds","payment_required","quota_exceeded","budget_exceeded","credits_exhausted","insufficient_credits","billing_not_active","QUOTA_EXCEEDED","BILLING_DISABLED"]), 50,
    [B('{"error": {"message": "x", "type": "billing_hard_limit_reached"}}')], [B('{"error": {"code": "rate_limit_exceeded"}}')])
fam("rate-limit","error-code", codes(["rate_limit_exceeded","rate_limit_error","ThrottlingException","TooManyRequestsException","too_many_requests","TooManyRequests","throttling_error","RATE_LIMIT_EXCEEDED","RateLimitExceeded"]), 50,
    [B('{"error": {"message": "slow down", "type": "rate_limit_error"}}')], [B('{"error": {"code": "insufficient_quota"}}')])
fam("credential","error-code", codes(["invalid_api_key","authentication_error","UNAUTHENTICATED","API_KEY_INVALID","invalid_authentication","UnrecognizedClientException","ExpiredTokenException","InvalidSignatureException","MissingAuthenticationTokenException","IncompleteSignatureException","invalid_token","token_expired","expired_token","authentication_failed"]), 50,
    [B('{"type": "error", "error": {"type": "authentication_error", "message": "x"}}')], [B('{"error": {"type": "permission_error"}}')])
fam("permission","error-code", codes(["permission_error","PERMISSION_DENIED","AccessDeniedException","access_denied","unsupported_country_region_territory","SERVICE_DISABLED","API_KEY_SERVICE_BLOCKED","insufficient_permissions","ACCESS_TOKEN_SCOPE_INSUFFICIENT","IAM_PERMISSION_DENIED","model_not_allowed","organization_verification_required"]), 50,
    [B('{"error": {"code": 403, "message": "x", "status": "PERMISSION_DENIED"}}')], [B('{"error": {"status": "UNAUTHENTICATED"}}')])
fam("model","error-code", codes(["model_not_found","not_found_error","DeploymentNotFound","ResourceNotFoundException","RESOURCE_DOES_NOT_EXIST","ENDPOINT_NOT_FOUND","model_not_available","unknown_model","ModelNotFound","invalid_model","NOT_FOUND"]), 50,
    [B('{"error": {"message": "x", "code": "DeploymentNotFound"}}')], [B('{"error": {"code": "invalid_api_key"}}')])
fam("request","error-code", codes(["context_length_exceeded","unsupported_parameter","unsupported_value","INVALID_PARAMETER_VALUE","invalid_parameter","string_above_max_length","content_filter","content_policy_violation","ResponsibleAIPolicyViolation","request_too_large","MALFORMED_REQUEST","invalid_json","invalid_type","missing_required_parameter","ContextWindowExceededError"]), 49,
    [B('{"error": {"message": "x", "code": "unsupported_parameter"}}')], [B('{"error": {"code": "model_not_found"}}')])
fam("upstream","error-code", codes(["overloaded_error","UNAVAILABLE","ServiceUnavailableException","TEMPORARILY_UNAVAILABLE","ModelNotReadyException","service_unavailable","bad_gateway","ModelErrorException","overloaded","ServiceUnavailable"]), 48,
    [B('{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}')], [B('{"error": {"code": "invalid_api_key"}}')])
fam("timeout","error-code", codes(["DEADLINE_EXCEEDED","ModelTimeoutException","timeout","request_timeout","APITimeoutError","GatewayTimeout","timeout_error","RequestTimeout"]), 50,
    [B('{"error": {"code": 504, "message": "x", "status": "DEADLINE_EXCEEDED"}}')], [B('{"error": {"status": "UNAVAILABLE"}}')])

# generic machine codes (weak): shared by many causes, so the wording outranks them
fam("request", "generic-code", codes(['INVALID_ARGUMENT', 'ValidationException', 'BAD_REQUEST', 'invalid_prompt', 'FAILED_PRECONDITION', 'OUT_OF_RANGE', 'invalid_request', 'BadRequest', 'invalid_value']), 34, [B('{"error": {"message": "x", "code": "INVALID_ARGUMENT"}}')], [B('{"error": {"code": "nothing_known"}}')])
fam("credential", "generic-code", codes(['auth_error', 'unauthorized', 'Unauthorized', 'UNAUTHORIZED']), 34, [B('{"error": {"message": "x", "code": "auth_error"}}')], [B('{"error": {"code": "nothing_known"}}')])
fam("upstream", "generic-code", codes(['api_error', 'server_error', 'internal_error', 'INTERNAL', 'InternalServerException', 'InternalServerError', 'internal_server_error']), 34, [B('{"error": {"message": "x", "code": "api_error"}}')], [B('{"error": {"code": "nothing_known"}}')])
fam("routing","error-code", codes(["unknown_url","invalid_url","route_not_found","no_route","not_found_route","UnknownOperationException"]), 50,
    [B('{"error": {"message": "x", "code": "unknown_url"}}')], [B('{"error": {"code": "model_not_found"}}')])
# message wording (raw text, so nested and escaped messages count too)
W = {
 "model": (46, r"(?i)(\bmodels?\b(?:[^.\n]|\.[^\s]){0,80}?(not found|does not exist|doesn't exist|is not supported|not supported for|unknown|is invalid|invalid model|deprecated|decommissioned|no longer|not a valid|is not available|was removed|has been removed|been retired|is retired|was retired|has been shut down|could not be resolved)|does not work with the specified model|not a chat model|no healthy deployments|无可用渠道|no available channel|(unknown|invalid|unsupported|nonexistent) model|no such model|model_not_found|deployment[^.\n]{0,60}?(not found|does not exist)|DeploymentNotFound|publisher model|no endpoints found|on-demand throughput|inference profile|is not found for api version|model identifier is invalid|model id is invalid|endpoint[^.\n]{0,40}?(does not exist|not found))", "The model `gpt-9` does not exist", "Rate limit reached"),
 "quota": (45, r"(?i)(insufficient[_ ](quota|balance|credits?|funds)|extra usage|exceeded your current quota|quota (has been )?(exceeded|exhausted|reached)|out of credits|credit balance|no credits|billing|payment required|requires more credits|spend(ing)? limit|budget (has been )?(exceeded|reached)|exceeded[^.\n]{0,40}?budget|usage limit|monthly limit|daily limit|per[- ]day|free[- ]tier|free allocation|used up your|account balance|top up|add credits|purchase credits|insufficient account|plan (limit|does not))", "Monthly spending limit reached for this account.", "Too many requests"),
 "rate-limit": (44, r"(?i)(rate[ _-]?limit|too many requests|负载已饱和|throttl|requests per (minute|second)|tokens per min|\b[TR]PM\b|concurren(t|cy) (request|limit)|slow down|try again in \d|please wait before trying again|resource[_ ]exhausted|resource has been exhausted|too many tokens, please wait)", "Rate limit reached for gpt-4o on tokens per min (TPM)", "Invalid API key"),
 "credential": (43, r"(?i)(invalid[_ ]api[_ ]?key|incorrect api key|could not resolve authentication method|(x-api-key|api[- ]key) header is required|api key (is )?(not valid|invalid|missing|expired|required|not found)|api[_ ]key[^.\n]{0,30}?(invalid|not valid|expired)|no api key|missing (an )?api key|didn't provide an api key|(invalid|expired|missing|bad|wrong) (authentication |auth |access |bearer )?(token|credentials?|subscription key)|authentication (failed|error|required|fails)|unauthori[sz]ed|not authenticated|invalid x-api-key|security token included in the request is invalid|signature[^.\n]{0,40}?does not match|no auth credentials|token (has )?expired|(token|credentials?)[^.\n]{0,40}?(is |are |has )?(expired|invalid|revoked)|could not validate credentials|(key|account|consumer)[^.\n]{0,60}?(deactivated|suspended)|invalid authorization|user not found)", "Error: invalid bearer token", "model not found"),
 "permission": (42, r"(?i)(permission[_ ]denied|access denied|access to (this |the )?model|(don't|do not|does not) have access|not have permission|not authorized to|forbidden|not allowed|unsupported_country|not supported in your (country|region)|location is not supported|region is not supported|must be verified|organization[^.\n]{0,30}?verif|has been disabled|is disabled|SERVICE_DISABLED|has not been used in project|not enabled|blocked)", "You don't have access to the model with the specified model ID.", "Rate limit reached"),
 "request": (41, r"(?i)(invalid '[^'\n]{1,80}'|context[_ ]length|maximum context|context window|too many tokens|prompt is too long|too long|max_tokens|max_completion_tokens|max_output_tokens|unsupported (parameter|value)|invalid (parameter|argument|value|request|json|schema|type|role|input|format|body)|is not supported with|not supported (with|for|by|in) this|must be (a |an |one of|less|greater|at |non-empty|provided)|is required|required (field|parameter|property)|malformed|could not parse|failed to parse|cannot be empty|must not be empty|roles must alternate|bad request|unprocessable|validation (error|failed|exception)|content[_ ](filter|policy|management)|safety|request (entity )?too large|payload too large|body too large|exceeds the maximum|extra inputs|additional properties|unexpected (field|property|keyword)|unrecognized (field|request argument)|unknown (field|parameter|name)|not a valid)", "Unsupported parameter: 'max_tokens' is not supported with this model.", "Overloaded"),
 "timeout": (40, r"(?i)(timed? ?out|timeout|deadline exceeded|took too long|ETIMEDOUT|ESOCKETTIMEDOUT|gateway time-?out)", "Request timed out.", "Invalid API key"),
 "upstream": (39, r"(?i)(overloaded|network connection lost|cloudflare tunnel error|error 1033|origin is unreachable|web server is down|internal (server )?error|server error|service (is )?(temporarily )?unavailable|temporarily unavailable|bad gateway|upstream|try again later|capacity|high demand|something went wrong|unexpected error|currently unavailable|not ready|backend error|provider returned error|connection (reset|closed)|ECONNRESET|socket hang up|premature close|terminated)", "The server is overloaded", "Invalid API key"),
 "routing": (48, r"(?i)(no route|route not found|not found: /|404 page not found|unknown (request )?(url|path|endpoint|route)|invalid url|could not route|no such host|ENOTFOUND|getaddrinfo|name or service not known|nodename nor servname|name resolution|ERR_NAME_NOT_RESOLVED|could not resolve host|method not allowed|wrong (api )?(url|endpoint|base url)|api version[^.\n]{0,30}?(not supported|invalid|unsupported)|unsupported api version|/v1/v1|plain HTTP request was sent to HTTPS port)", "Unknown request URL: POST /v1/v1/chat/completions", "Invalid API key"),
 "cache-strong": (47, r"(?i)(cache_control\b|cache-control block|cached content|context cach|prompt cach|cachedcontent|CROSSSLOT|redis\.exceptions|for redis|cache (is )?(disabled|not supported|not enabled))", "A maximum of 4 blocks with cache_control may be provided. Found 5.", "Invalid API key"),
 "rate-limit-strong": (47, r"(?i)(RouterRateLimitError|(quota|limit)[^\n]{0,120}?per[ _-]minute|_per_minute|per[ _-]minute[^\n]{0,60}?(quota|limit) (exceeded|reached))", "Quota exceeded for quota metric 'Generate Content API requests per minute'", "Invalid API key"),
 "request-strong": (47, r"(?i)(extra inputs are not permitted|extra_forbidden|extraneous key|maximum tokens you requested|max(imum)? tokens[^\n]{0,40}?exceed|tool_(use|result|call)[^\n]{0,60}?(without|must|missing|expected|invalid|found)|malformed input request|unrecognized request argument|additional properties are not allowed|is a required property|field required|should alternate|must alternate|roles must alternate|prohibited[_ ]?content|block(ed)?[_ ]?reason|blocked: prompt|string too long|input is too long|exceeds the context)", "Extra inputs are not permitted", "Invalid API key"),
 "permission-strong": (47, r"(?i)(reputation block|blocked by (your |the )?(organization|organisation|administrator|admin|firewall|policy)|location is not supported|not available in your (country|region)|unsupported_country)", "Reputation block outbound request: malicious URL", "Invalid API key"),
 "configuration-strong": (47, r"(?i)(llm provider not provided|provider not provided|cannot read propert(y|ies) of undefined|no fallback model group|proxy authentication required|plain http request was sent to https port|wrong version number|EAI_AGAIN|temporary failure in name resolution|requires --[a-z]|--enable-[a-z-]+ and|not configured|missing required (environment|env) variable|environment variable[^\n]{0,40}?(not set|missing))", "LLM Provider NOT provided. Pass in the LLM provider you are trying to call.", "Invalid API key"),
 "routing-strong": (47, r"(?i)(please use (the )?/?[a-z0-9/_.-]+ (api|endpoint) instead|no connection adapters were found|no scheme supplied|use (the )?/[a-z0-9/_.-]+ (api|endpoint )?instead|api (was|has been) removed|please migrate to|scoped to a valid region|could not connect to the endpoint url|endpoint (has been|was) (removed|deprecated|retired)|not supported on this endpoint)", "model is missing conversation_config, please use /completions API instead", "Invalid API key"),
 "credential-strong": (49, r"(?i)(invalid subscription key|incorrect api key provided|api key not valid|could not resolve authentication method|(x-api-key|api[- ]key) header is required|invalid x-api-key)", "Access denied due to invalid subscription key or wrong API endpoint.", "Rate limit reached"),
 "routing-weak": (36, r"(?i)(resource not found|not found|api version)", "Resource not found", "Invalid API key"),
 "request-policy": (49, r"(?i)(safety system|blocked due to safety|blocked for safety|safety (settings|ratings|filter)|content[_ ](filter|policy|management)|responsible ?ai|flagged by|moderation)", "Your request was rejected as a result of our safety system.", "Invalid API key"),
 "configuration-policy": (49, r"(?i)(guardrail)", "Violated guardrail policy", "Invalid API key"),
 "configuration": (37, r"(?i)(certificate|self[- ]signed|unable to (get|verify)[^.\n]{0,30}?(issuer|certificate|leaf)|\bSSL\b|\bTLS\b|ECONNREFUSED|connection refused|proxy|\b407\b|not configured|please configure|misconfigur|fetch failed|connection error|connect error|ENETUNREACH|EHOSTUNREACH)", "self signed certificate in certificate chain", "Overloaded"),
}
for key, (prio, pattern, ex, nex) in W.items():
    cat, _, flavour = key.partition("-weak") if key.endswith("-weak") else (key, "", "")
    if key.endswith(("-policy",)):
        cat, suffix = key.rsplit("-", 1)[0], "policy-wording"
    elif key.endswith("-strong"):
        cat, suffix = key.rsplit("-", 1)[0], "strong-wording"
    else:
        suffix = "weak-wording" if key.endswith("-weak") else "wording"
    fam(cat, suffix, rx(spaced(pattern)), prio, [B(ex)], [B(nex)])
# SDK exception class names
EXC = {"credential": r"\b(AuthenticationError|UnauthorizedError|AuthenticationException)\b",
       "permission": r"\b(PermissionDeniedError|PermissionDenied|AccessDenied)\b", "model": r"\bNotFoundError\b",
       "request": r"\b(BadRequestError|UnprocessableEntityError|InvalidArgument|ValidationError|BadRequest)\b",
       "upstream": r"\b(ServiceUnavailableError|APIStatusError|ServerError)\b",
       "configuration": r"\b(APIConnectionError|ConnectError|ProxyError|SSLError)\b"}
for cat, pattern in EXC.items():
    word = pattern.split("(")[1].split("|")[0].split(")")[0] if "(" in pattern else pattern.strip("\\b")
    fam(cat, "sdk-exception", rx(pattern), 30, [B(f"openai.{word}: something happened")], [B("nothing to see")])
fam("request", "invalid-request-type", {"body": [{"field": "$type", "in": ["invalid_request_error", "BadRequestError", "invalid_request"]}]}, 20,
    [B('{"error": {"message": "x", "type": "invalid_request_error"}}')], [B('{"error": {"type": "server_error"}}')])
# headers
fam("rate-limit", "headers-exhausted", {"status": 429, "any": [{"headers": [{"name": n, "equals": "0"}]} for n in
    ["anthropic-ratelimit-requests-remaining","anthropic-ratelimit-tokens-remaining","anthropic-ratelimit-input-tokens-remaining","anthropic-ratelimit-output-tokens-remaining","x-ratelimit-remaining-requests","x-ratelimit-remaining-tokens","x-ratelimit-remaining","ratelimit-remaining"]]}, 15,
    [{"status": 429, "headers": {"anthropic-ratelimit-requests-remaining": "0"}, "body": ""}], [{"status": 429, "headers": {"anthropic-ratelimit-requests-remaining": "5"}, "body": ""}])
# status classes
S = {"request": [400, 409, 411, 413, 414, 415, 422, 431], "credential": [401], "configuration": [407], "quota": [402], "permission": [403, 451], "routing": [404, 405, 410, 421, 501],
     "timeout": [408, 504, 522, 524, 598, 599], "rate-limit": [429], "upstream": [500, 502, 503, 507, 520, 521, 523, 525, 529, 530]}
for cat, statuses in S.items():
    fam(cat, "status", {"status": statuses}, 5, [{"status": statuses[0], "headers": {"content-type": "text/plain"}, "body": "?"}], [{"status": 200, "headers": {"content-type": "text/plain"}, "body": "ok"}])
for r in R:
    if r["severity"] == "error" and r["transient"]: r["severity"] = "warning"
open(Path(__file__).resolve().parents[1] / "rules/generic/generic.yaml", "w", encoding="utf-8").write("# Generic, gateway-neutral readings of an error: an envelope's machine-readable fields, its wording, SDK\n# exception names, rate-limit headers and the status class. Every rule here is `confidence: likely` and\n# ranks below every exact rule. Generated by scripts/generic_rules.py: edit the families there, not this file.\n" + yaml.safe_dump({"rules": R}, sort_keys=False, width=1000, allow_unicode=True))
print(len(R))
