namespace VpcSecTools.Snapshot;

/// <summary>
/// A VPC's usable attachment to a transit gateway (<see cref="SnapshotIndex.TransitGatewayAttachmentOf(string, string)"/>):
/// from describe-transit-gateway-vpc-attachments (with its subnets and options) or, when only the generic
/// describe-transit-gateway-attachments was captured, from that.
/// </summary>
/// <param name="AttachmentId">The <c>tgw-attach-…</c> id.</param>
/// <param name="TransitGatewayId">The transit gateway.</param>
/// <param name="VpcId">The attached VPC.</param>
/// <param name="Details">Subnets (one per AZ) and options; null when only the generic attachment was captured.</param>
/// <param name="RouteTableId">The transit-gateway route table the attachment is associated with (routes its traffic); null when none.</param>
public sealed record VpcTransitGatewayAttachment(string AttachmentId, string TransitGatewayId, string VpcId, TransitGatewayVpcAttachment? Details, string? RouteTableId);
