"""Local stand-ins for the SMS providers and a webhook receiver.

Each checks a request the way the provider's published documentation
specifies, with its own implementation of the signature (Python's hmac and
hashlib, not the code under test), and answers with the documented success
and error bodies. Numbers choose the answer:
13800000000 a wrong number (refused for good); 13900000009 throttled once,
then accepted; anything else accepted.

GET /_log lists what was received; POST /_secret/NAME sets the key a
webhook receiver NAME checks signatures with. Prints its port, then serves.
"""
import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ALIYUN_ID, ALIYUN_SECRET = "LTAI-test-id", "aliyun-test-secret"
TENCENT_ID, TENCENT_KEY = "AKID-test-id", "tencent-test-key"
HTTP_TOKEN = "gateway-token"
WRONG, THROTTLED = "13800000000", "13900000009"

log = []
throttled_once = set()
secrets = {}


def aliyun_encode(s):
    return urllib.parse.quote(s, safe="-_.~")


def aliyun_check(query):
    """Alibaba Cloud RPC signature V1 (HMAC-SHA1, sorted, RFC 3986)."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    params = dict(pairs)
    given = params.pop("Signature", "")
    canonical = "&".join(
        f"{aliyun_encode(k)}={aliyun_encode(v)}" for k, v in sorted(params.items())
    )
    to_sign = "GET&%2F&" + aliyun_encode(canonical)
    digest = hmac.new((ALIYUN_SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return params, hmac.compare_digest(base64.b64encode(digest).decode(), given)


def tc3_check(headers, body):
    """Tencent Cloud TC3-HMAC-SHA256 over content-type and host."""
    auth = headers.get("Authorization", "")
    ts = int(headers.get("X-TC-Timestamp", "0"))
    date = time.strftime("%Y-%m-%d", time.gmtime(ts))
    canonical = "\n".join([
        "POST", "/", "",
        f"content-type:{headers.get('Content-Type', '')}",
        f"host:{headers.get('Host', '')}", "",
        "content-type;host",
        hashlib.sha256(body).hexdigest(),
    ])
    scope = f"{date}/sms/tc3_request"
    to_sign = "\n".join([
        "TC3-HMAC-SHA256", str(ts), scope,
        hashlib.sha256(canonical.encode()).hexdigest(),
    ])

    def h(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = h(h(h(("TC3" + TENCENT_KEY).encode(), date), "sms"), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    expected = (
        f"TC3-HMAC-SHA256 Credential={TENCENT_ID}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )
    return hmac.compare_digest(auth, expected)


def hook_check(secret, header, body):
    """X-Shangliang-Signature: t=..,v1=hex(HMAC-SHA256(secret, t + "." + body))."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    mac = hmac.new(secret.encode(), parts.get("t", "").encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts.get("v1", ""))


class Fake(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        data = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/_log":
            return self.answer(200, log)
        if path.rstrip("/") == "/aliyun":
            params, ok = aliyun_check(query)
            phone = params.get("PhoneNumbers", "")
            log.append({"provider": "aliyun", "signed": ok, "phone": phone,
                        "key": params.get("OutId"), "template": params.get("TemplateCode"),
                        "params": json.loads(params.get("TemplateParam", "{}")),
                        "sign": params.get("SignName")})
            if not ok or params.get("AccessKeyId") != ALIYUN_ID:
                return self.answer(400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched with our calculation.", "RequestId": "R0"})
            if phone == WRONG:
                return self.answer(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "R1"})
            if phone == THROTTLED and phone not in throttled_once:
                throttled_once.add(phone)
                return self.answer(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1", "RequestId": "R2"})
            return self.answer(200, {"Code": "OK", "Message": "OK", "BizId": f"biz-{len(log)}", "RequestId": "R3"})
        self.answer(404, {})

    def do_POST(self):
        body = self.body()
        if self.path.startswith("/_secret/"):
            secrets[self.path.split("/")[-1]] = body.decode()
            return self.answer(200, {})
        if self.path.rstrip("/") == "/tencent":
            ok = tc3_check(self.headers, body) and self.headers.get("X-TC-Action") == "SendSms" \
                and self.headers.get("X-TC-Version") == "2021-01-11"
            req = json.loads(body)
            phone = req["PhoneNumberSet"][0]
            log.append({"provider": "tencent", "signed": ok, "phone": phone,
                        "key": req.get("SessionContext"), "template": req.get("TemplateId"),
                        "params": req.get("TemplateParamSet"), "sign": req.get("SignName"),
                        "app": req.get("SmsSdkAppId")})
            if not ok:
                return self.answer(200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "The provided credentials could not be validated."}, "RequestId": "T0"}})
            status = {"SerialNo": f"serial-{len(log)}", "PhoneNumber": phone, "Fee": 1, "SessionContext": req.get("SessionContext"), "Code": "Ok", "Message": "send success", "IsoCode": "CN"}
            if phone == "+86" + WRONG:
                status.update(Code="InvalidParameterValue.IncorrectPhoneNumber", Message="手机号格式错误", SerialNo="")
            elif phone == "+86" + THROTTLED and phone not in throttled_once:
                throttled_once.add(phone)
                status.update(Code="LimitExceeded.PhoneNumberThirtySecondLimit", Message="单个手机号30秒内下发短信条数超过设定的上限", SerialNo="")
            return self.answer(200, {"Response": {"SendStatusSet": [status], "RequestId": "T1"}})
        if self.path == "/http":
            req = json.loads(body)
            ok = self.headers.get("Authorization") == f"Bearer {HTTP_TOKEN}"
            key = self.headers.get("Idempotency-Key")
            repeat = any(e.get("key") == key and e["provider"] == "http" for e in log)
            log.append({"provider": "http", "signed": ok, "phone": req["phone"], "key": key,
                        "text": req["text"], "repeat": repeat})
            if not ok:
                return self.answer(401, {"error": "unauthorized"})
            if req["phone"] == WRONG:
                return self.answer(422, {"error": "invalid phone"})
            if req["phone"] == THROTTLED and "http" not in throttled_once:
                throttled_once.add("http")
                return self.answer(429, {"error": "too many requests"})
            return self.answer(200, {"id": f"gw-{key}"})
        if self.path.startswith("/hook/"):
            name = self.path.split("/")[-1]
            signature = self.headers.get("X-Shangliang-Signature", "")
            t = int(dict(p.split("=", 1) for p in signature.split(",") if "=" in p).get("t", "0"))
            log.append({"provider": "hook", "name": name,
                        "signed": hook_check(secrets.get(name, ""), signature, body),
                        "key": self.headers.get("X-Shangliang-Delivery"),
                        "event": self.headers.get("X-Shangliang-Event"),
                        "t": t, "body": json.loads(body)})
            if name == "down":
                return self.answer(503, {"error": "maintenance"})
            return self.answer(200, {})
        self.answer(404, {})


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    print(server.server_address[1], flush=True)
    server.serve_forever()
