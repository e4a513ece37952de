#!/usr/bin/env python3
"""Derives recorded EC2 wire responses (tests/fixtures/ec2-wire/) from the Batfish describe-* JSON fixtures, so
the replay tests and the offline loader describe the same network.

For each scenario it writes
  xml/<Action>.xml                       the XML EC2 returns for the call (element names from botocore's
  xml/<Action>.<parent-id>.xml           locationNames, lists as <item>, timestamps as EC2 prints them), and
  xml/SearchTransitGatewayRoutes.<type>.<route-table-id>.xml for the per-route-table calls;
  describe/<Key>.json                    what `aws ec2 describe-*` prints for the same account: the Batfish file
                                         itself, or an empty result for the calls Batfish did not record.
It also writes paging/DescribeSecurityGroups.page{1,2,3}.xml (the test-vpc-peering groups over three pages), and the RDS
call the inventory makes: xml/DescribeDBSubnetGroups.xml and describe/DBSubnetGroups.json in each scenario (Batfish
records no RDS call: an empty result), and tests/fixtures/rds-wire/ (the demo network's DB subnet groups, one per page,
in RDS's Query answer: <...Result> wrapper, lists as their member locationNames).

Usage: python3 tools/ec2-wire-fixtures.py
Element order follows the model: the EC2 files were made with the Debian python3-botocore model; a newer botocore
orders some members differently (same content), so keep the files it does not need to change.
"""
import datetime
import gzip
import json
import os
import uuid
from xml.sax.saxutils import escape

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
def botocore_model(service, version):
    """The botocore service model: the Debian package's, else the installed botocore module's (.json or .json.gz)."""
    roots = ["/usr/lib/python3/dist-packages/botocore/data"]
    try:
        import botocore
        roots.append(os.path.join(os.path.dirname(botocore.__file__), "data"))
    except ImportError:
        pass
    for root in roots:
        for name in ("service-2.json", "service-2.json.gz"):
            path = os.path.join(root, service, version, name)
            if os.path.exists(path):
                return json.load(gzip.open(path, "rt") if path.endswith(".gz") else open(path))
    raise SystemExit(f"botocore model of {service} {version} not found")


SOURCE = os.path.join(ROOT, "tests", "fixtures", "batfish-aws")
TARGET = os.path.join(ROOT, "tests", "fixtures", "ec2-wire")
SCENARIOS = ["test-transit-gateway", "test-vpc-peering", "test-nat-gateway"]
XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
RDS_XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"
RDS_TARGET = os.path.join(ROOT, "tests", "fixtures", "rds-wire")
DEMO_GROUPS = os.path.join(ROOT, "samples", "demo", "aws_configs", "us-east-1", "DBSubnetGroups.json")

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

model = botocore_model("ec2", "2016-11-15")
shapes = model["shapes"]
rds_model = botocore_model("rds", "2014-10-31")
dropped = set()


def ec2_timestamp(value):
    # The CLI prints "2019-11-28 18:49:58+00:00"; EC2 sends "2019-11-28T18:49:58.000Z".
    t = datetime.datetime.fromisoformat(value).astimezone(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def to_xml(value, shape_name, path, shapes=shapes):
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "structure":
        parts = []
        for member, ref in shape["members"].items():
            if member not in value or value[member] is None:
                continue
            name = ref.get("locationName", member)
            parts.append(f"<{name}>{to_xml(value[member], ref['shape'], path + '.' + member, shapes)}</{name}>")
        for key in value:
            if key not in shape["members"]:
                dropped.add(f"{path}.{key}")
        return "".join(parts)
    if kind == "list":
        item = shape["member"].get("locationName", "member")
        return "".join(f"<{item}>{to_xml(v, shape['member']['shape'], path + '[]', shapes)}</{item}>" for v in value)
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


def rds_response(operation, result, seed):
    """An RDS Query answer: the result inside <OperationResult>, the request id in ResponseMetadata."""
    output = rds_model["operations"][operation]["output"]["shape"]
    request_id = uuid.uuid5(uuid.NAMESPACE_URL, seed)
    body = to_xml(result, output, operation, rds_model["shapes"])
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{operation}Response xmlns="{RDS_XMLNS}"><{operation}Result>{body}</{operation}Result>'
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>\n")


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
    groups = by_key.get("DBSubnetGroups", [])
    write(os.path.join(out, "xml", "DescribeDBSubnetGroups.xml"),
          rds_response("DescribeDBSubnetGroups", {"DBSubnetGroups": groups}, f"{name}/DescribeDBSubnetGroups"))
    describe["DBSubnetGroups"] = groups
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


def rds_pages():
    """The demo's DB subnet groups, one per page, the Marker naming the next."""
    groups = json.load(open(DEMO_GROUPS))["DBSubnetGroups"]
    for i, group in enumerate(groups, 1):
        result = {"DBSubnetGroups": [group]}
        if i < len(groups):
            result["Marker"] = f"page-{i + 1}-marker"
        write(os.path.join(RDS_TARGET, f"DescribeDBSubnetGroups.page{i}.xml"),
              rds_response("DescribeDBSubnetGroups", result, f"rds-wire/{i}"))


def main():
    for name in SCENARIOS:
        scenario(name)
    paging()
    rds_pages()
    if dropped:
        print("members not in the model (not on the wire):", ", ".join(sorted(dropped)))
    print("wrote", TARGET)


if __name__ == "__main__":
    main()
