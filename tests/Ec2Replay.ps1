# A loopback stand-in for EC2 for the live-capture Pester tests: answers each Query call with the recorded
# response in tests/fixtures/ec2-wire/<scenario>/xml/<Action>.xml, or an EC2 error body for $Deny actions.
function Start-Ec2Replay {
    param([string] $Scenario = 'test-nat-gateway', [string[]] $Deny = @())
    $wire = Join-Path $FixtureRoot 'ec2-wire' $Scenario 'xml'
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
    $listener = [System.Net.HttpListener]::new()
    $listener.Prefixes.Add("http://127.0.0.1:$port/")
    $listener.Start()
    $job = Start-ThreadJob -ArgumentList $listener, $wire, $Deny -ScriptBlock {
        param($listener, $wire, $deny)
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $body = [System.IO.StreamReader]::new($context.Request.InputStream).ReadToEnd()
            $form = [System.Web.HttpUtility]::ParseQueryString($body)
            $action = $form['Action']
            $name = if ($form['TransitGatewayRouteTableId']) {
                if ($action -eq 'SearchTransitGatewayRoutes') { "$action.$($form['Filter.1.Value.1']).$($form['TransitGatewayRouteTableId'])" }
                else { "$action.$($form['TransitGatewayRouteTableId'])" }
            } else { $action }
            $file = Join-Path $wire "$name.xml"
            if ($deny -contains $action) {
                $status = 403
                $text = "<?xml version=`"1.0`" encoding=`"UTF-8`"?>`n<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>00000000-0000-0000-0000-000000000403</RequestID></Response>"
            } elseif (Test-Path $file) { $status = 200; $text = Get-Content -Raw $file }
            else { $status = 400; $text = "<Response><Errors><Error><Code>InvalidAction</Code><Message>no recording $name</Message></Error></Errors></Response>" }
            $bytes = [System.Text.Encoding]::UTF8.GetBytes($text)
            $context.Response.StatusCode = $status
            $context.Response.ContentType = 'text/xml;charset=UTF-8'
            $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $context.Response.Close()
        }
    }
    [pscustomobject]@{ Url = "http://127.0.0.1:$port"; Listener = $listener; Job = $job }
}

function Stop-Ec2Replay {
    param($Replay)
    $Replay.Listener.Stop()
    $Replay.Listener.Close()
    $Replay.Job | Stop-Job -PassThru | Remove-Job -Force
}

# Fake credentials: the replay server checks nothing, but the SDK signs every call.
$FakeAws = @{ Region = 'us-east-2'; AccessKey = 'AKIDEXAMPLE'; SecretKey = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
