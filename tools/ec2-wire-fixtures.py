#!/usr/bin/env python3
"""Derives recorded EC2 wire responses (tests/fixtures/ec2-wire/) from the Batfish describe-* JSON fixtures, so
the replay tests and the offline loader describe the same network.

For each scenario it writes
  xml/<Action>.xml                       the XML EC2 returns for the call (element names from botocore's
  xml/<Action>.<parent-id>.xml           locationNames, lists as <item>, timestamps as EC2 prints them), and
  xml/SearchTransitGatewayRoutes.<type>.<route-table-id>.xml for the per-route-table calls;
  describe/<Key>.json                    what `aws ec2 describe-*` prints for the same account: the Batfish file
                                         itself, or an empty result for the calls Batfish did not record.
It also writes paging/DescribeSecurityGroups.page{1,2,3}.xml (the test-vpc-peering groups over three pages).

Usage: python3 tools/ec2-wire-fixtures.py
"""
import datetime
import json
import os
import uuid
from xml.sax.saxutils import escape

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MODEL = "/usr/lib/python3/dist-packages/botocore/data/ec2/2016-11-15/service-2.json"
SOURCE = os.path.join(ROOT, "tests", "fixtures", "batfish-aws")
TARGET = os.path.join(ROOT, "tests", "fixtures", "ec2-wire")
SCENARIOS = ["test-transit-gateway", "test-vpc-peering", "test-nat-gateway"]
XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"

# Top-level calls the inventory makes, and the response key each returns (= the snapshot section).
TOP_LEVEL = [
    ("DescribeVpcs", "Vpcs"), ("DescribeSubnets", "Subnets"), ("DescribeRouteTables", "RouteTables"),
    ("DescribeNetworkAcls", "NetworkAcls"), ("DescribeSecurityGroups", "SecurityGroups"),
    ("DescribeNetworkInterfaces", "NetworkInterfaces"), ("DescribeInstances", "Reservations"),
    ("DescribeInternetGateways", "InternetGateways"), ("DescribeEgressOnlyInternetGateways", "EgressOnlyInternetGateways"),
    ("DescribeNatGateways", "NatGateways"), ("DescribeVpcEndpoints", "VpcEndpoints"),
    ("DescribeVpcPeeringConnections", "VpcPeeringConnections"), ("DescribeTransitGateways", "TransitGateways"),
    ("DescribeTransitGatewayAttachments", "TransitGatewayAttachments"),
    ("DescribeTransitGatewayVpcAttachments", "TransitGatewayVpcAttachments"),
    ("DescribeTransitGatewayRouteTables", "TransitGatewayRouteTables"), ("DescribeManagedPrefixLists", "PrefixLists"),
    ("DescribeVpnGateways", "VpnGateways"), ("DescribeVpnConnections", "VpnConnections"), ("DescribeFlowLogs", "FlowLogs"),
    ("DescribeCustomerGateways", "CustomerGateways"),
]

# Per route table: (snapshot section, operation, file suffix, list key in the wrapper item, list key in the response)
PER_TABLE = [
    ("TransitGatewayStaticRoutes", "SearchTransitGatewayRoutes", "static", "Routes", "Routes"),
    ("TransitGatewayPropagatedRoutes", "SearchTransitGatewayRoutes", "propagated", "Routes", "Routes"),
    ("TransitGatewayRouteTableAssociations", "GetTransitGatewayRouteTableAssociations", None, "Associations", "Associations"),
    ("TransitGatewayPropagations", "GetTransitGatewayRouteTablePropagations", None,
     "TransitGatewayRouteTablePropagations", "TransitGatewayRouteTablePropagations"),
]

model = json.load(open(MODEL))
shapes = model["shapes"]
dropped = set()


def ec2_timestamp(value):
    # The CLI prints "2019-11-28 18:49:58+00:00"; EC2 sends "2019-11-28T18:49:58.000Z".
    t = datetime.datetime.fromisoformat(value).astimezone(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def to_xml(value, shape_name, path):
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "structure":
        parts = []
        for member, ref in shape["members"].items():
            if member not in value or value[member] is None:
                continue
            name = ref.get("locationName", member)
            parts.append(f"<{name}>{to_xml(value[member], ref['shape'], path + '.' + member)}</{name}>")
        for key in value:
            if key not in shape["members"]:
                dropped.add(f"{path}.{key}")
        return "".join(parts)
    if kind == "list":
        item = shape["member"].get("locationName", "member")
        return "".join(f"<{item}>{to_xml(v, shape['member']['shape'], path + '[]')}</{item}>" for v in value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return ec2_timestamp(value)
    return escape(str(value))


def response(operation, result, seed):
    output = model["operations"][operation]["output"]["shape"]
    request_id = uuid.uuid5(uuid.NAMESPACE_URL, seed)
    body = to_xml(result, output, operation)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{operation}Response xmlns="{XMLNS}">'
            f"<requestId>{request_id}</requestId>{body}</{operation}Response>\n")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def scenario(name):
    source = os.path.join(SOURCE, name)
    by_key = {}
    for file in sorted(os.listdir(source)):
        if file.endswith(".json"):
            doc = json.load(open(os.path.join(source, file)))
            for key, items in doc.items():
                by_key[key] = items
    out = os.path.join(TARGET, name)
    describe = {}
    for operation, key in TOP_LEVEL:
        items = by_key.get(key, [])
        write(os.path.join(out, "xml", operation + ".xml"), response(operation, {key: items}, f"{name}/{operation}"))
        describe[key] = items
    tables = [t["TransitGatewayRouteTableId"] for t in by_key.get("TransitGatewayRouteTables", [])]
    for section, operation, kind, item_key, response_key in PER_TABLE:
        recorded = {w["TransitGatewayRouteTableId"]: w for w in by_key.get(section, [])}
        wrappers = []
        for table in tables:
            wrapper = recorded.get(table, {"TransitGatewayRouteTableId": table, item_key: []})
            result = {response_key: wrapper.get(item_key, [])}
            if operation == "SearchTransitGatewayRoutes":
                wrapper.setdefault("AdditionalRoutesAvailable", False)
                result["AdditionalRoutesAvailable"] = wrapper["AdditionalRoutesAvailable"]
            suffix = f"{kind}.{table}" if kind else table
            write(os.path.join(out, "xml", f"{operation}.{suffix}.xml"), response(operation, result, f"{name}/{operation}/{suffix}"))
            wrappers.append(wrapper)
        describe[section] = wrappers
    describe["PrefixListEntries"] = []
    for key, items in describe.items():
        write(os.path.join(out, "describe", key + ".json"), json.dumps({key: items}, indent=1, sort_keys=True) + "\n")


def paging():
    groups = json.load(open(os.path.join(SOURCE, "test-vpc-peering", "SecurityGroups.json")))["SecurityGroups"]
    pages = [groups[0:2], groups[2:4], groups[4:]]
    for i, page in enumerate(pages, 1):
        result = {"SecurityGroups": page}
        if i < len(pages):
            result["NextToken"] = f"page-{i + 1}-token"
        write(os.path.join(TARGET, "paging", f"DescribeSecurityGroups.page{i}.xml"),
              response("DescribeSecurityGroups", result, f"paging/{i}"))


def main():
    for name in SCENARIOS:
        scenario(name)
    paging()
    if dropped:
        print("members not in the model (not on the wire):", ", ".join(sorted(dropped)))
    print("wrote", TARGET)


if __name__ == "__main__":
    main()
