"""Open311 GeoReport v2 against the running app: reads through the PyPI
client `georeport` as it is, in JSON and XML, and the specification's
examples for posting, tokens, filters and errors through `requests`.

Arguments: ROOT (…/open311/v2), a key for 陈师街道, a key for another
subdistrict."""
import sys
import xml.etree.ElementTree as ET

import requests
from georeport import GeoReport

ROOT, KEY, OTHER_KEY = sys.argv[1], sys.argv[2], sys.argv[3]
ROOM = "chenshi-sq"
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise SystemExit(f"FAILED: {what}")


as_json = GeoReport(ROOT, jurisdiction=ROOM, api_key=KEY)
as_xml = GeoReport(ROOT, jurisdiction=ROOM, api_key=KEY, output_format="xml")

# GET services: the room's categories, with the fields the spec lists.
services = as_json.get_service_list()
check(len(services) >= 2, "services listed")
for s in services:
    for field in ("service_code", "service_name", "description", "metadata", "type", "keywords", "group"):
        check(field in s, f"service has {field}")
    check(s["type"] in ("realtime", "batch", "blackbox"), "service type")
codes = [s["service_code"] for s in services]
check("其他" in codes, "其他 is a service")
xml_services = as_xml.get_service_list()
xml_services = xml_services if isinstance(xml_services, list) else [xml_services]
check([s["service_code"] for s in xml_services] == codes, "XML lists the same services")
code = codes[0]

# GET services/{code}: its definition.
definition = as_json.get_service_definition(code)
check(definition["service_code"] == code, "definition names its code")
check(as_xml.get_service_definition(code)["service_code"] == code, "XML definition")

# POST requests: the spec's example fields, form-encoded.
form = {
    "api_key": KEY,
    "jurisdiction_id": ROOM,
    "service_code": code,
    "lat": "33.7790",
    "long": "119.3050",
    "address_string": "陈师新苑3号楼北侧",
    "first_name": "桂兰",
    "last_name": "张",
    "phone": "13900000777",
    "description": "3号楼北侧井盖破损，晚上看不清，已有老人绊倒。请尽快修缮。",
    "email": "someone@example.com",
    "device_id": "abc",
    "media_url": "",
}
r = requests.post(f"{ROOT}/requests.json", data=form)
check(r.status_code == 200, f"POST requests.json: {r.status_code} {r.text}")
created = r.json()
check(isinstance(created, list) and len(created) == 1, "POST answers a list of one")
request_id = created[0]["service_request_id"]
check(created[0]["token"], "a token")
check("service_notice" in created[0] and "account_id" in created[0], "notice and account_id")

# GET requests/{id}: through the client, JSON and XML.
one = as_json.get_service_request(request_id)
check(one["service_request_id"] == request_id, "the request reads back")
check(one["status"] == "open", "a new request is open")
check(one["service_code"] == code and "井盖破损" in one["description"], "its code and description")
check(one["address"] == "陈师新苑3号楼北侧", "its address")
check(abs(float(one["lat"]) - 33.779) < 1e-6 and abs(float(one["long"]) - 119.305) < 1e-6, "its point")
check(one["requested_datetime"].endswith("+08:00"), "W3C times in Beijing time")
x = as_xml.get_service_request(request_id)
check(x["service_request_id"] == request_id and x["status"] == "open", "XML request")

# GET requests with the standard filters.
listed = as_json.get_service_requests(status="open", service_code=code)
check(any(i["service_request_id"] == request_id for i in listed), "open requests of the code include it")
check(all(i["status"] == "open" and i["service_code"] == code for i in listed), "filters hold")
closed = as_json.get_service_requests(status="closed")
check(all(i["status"] == "closed" for i in closed), "closed filter")
check(not any(i["service_request_id"] == request_id for i in closed), "not closed")
named = as_json.get_service_requests(service_request_id=request_id)
check([i["service_request_id"] for i in named] == [request_id], "by id")
old = as_json.get_service_requests(start_date="2020-01-01T00:00:00Z", end_date="2020-02-01T00:00:00Z")
check(old == [], "an old window is empty")

# GET tokens/{token}.
t = requests.get(f"{ROOT}/tokens/{created[0]['token']}.json").json()
check(t[0]["service_request_id"] == request_id, "the token leads to the request")

# A request with only a point goes to the nearest room.
near = dict(form, description="路灯不亮，夜里出行不便。", phone="")
del near["jurisdiction_id"]
r = requests.post(f"{ROOT}/requests.xml", data=near)
check(r.status_code == 200, f"POST by point: {r.status_code} {r.text}")
check(ET.fromstring(r.content).find("request/service_request_id").text, "XML answer to POST")

# Errors, in the spec's shape.
def error_of(resp, status):
    check(resp.status_code == status, f"status {status}: got {resp.status_code} {resp.text}")
    body = resp.json()
    check(isinstance(body, list) and body[0]["code"] == status and body[0]["description"], "error shape")
    return body[0]["description"]

error_of(requests.post(f"{ROOT}/requests.json", data=dict(form, api_key="")), 403)
error_of(requests.post(f"{ROOT}/requests.json", data=dict(form, api_key="slk_wrong")), 403)
error_of(requests.post(f"{ROOT}/requests.json", data=dict(form, api_key=OTHER_KEY)), 400)
error_of(requests.post(f"{ROOT}/requests.json", data=dict(form, service_code="不存在的类别")), 400)
error_of(requests.post(f"{ROOT}/requests.json", data=dict(form, description="")), 400)
error_of(requests.post(f"{ROOT}/requests.json", data=dict(form, lat="91")), 400)
error_of(requests.get(f"{ROOT}/requests/0000000000.json"), 404)
error_of(requests.get(f"{ROOT}/requests.json", params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"}), 400)
error_of(requests.get(f"{ROOT}/requests.json", params={"status": "pending"}), 400)
r = requests.get(f"{ROOT}/requests/0000000000.xml")
check(r.status_code == 404 and ET.fromstring(r.content).find("error/code").text == "404", "XML error")
check(requests.get(f"{ROOT}/services.csv").status_code == 404, "unknown format")

print(f"open311: {checks} checks passed (georeport client, JSON and XML)")
