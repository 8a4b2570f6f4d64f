import type {VerbatimJob} from './job-template.js';

// CCI's documented example response, verbatim.
export const seedJob: VerbatimJob = {
	verbatim: {
		apiVersion: 'batch.volcano.sh/v1alpha1',
		kind: 'Job',
		metadata: {
			creationTimestamp: '2019-06-26T06:24:50Z',
			generation: 1,
			name: 'openmpi-hello-3-com',
			namespace: 'cci-namespace-42263891',
			resourceVersion: '7681358',
			selfLink: '/apis/batch.volcano.sh/v1alpha1/namespaces/cci-namespace-42263891/jobs/openmpi-hello-3-com',
			uid: '1a32a8c4-97db-11e9-9d09-dc9914fb58e0',
		},
		spec: {
			minAvailable: 1,
			plugins: {env: [], ssh: [], svc: []},
			queue: 'default',
			schedulerName: 'volcano',
			tasks: [
				{
					name: 'mpimaster',
					policies: [{action: 'CompleteJob', event: 'TaskCompleted'}],
					replicas: 1,
					template: {
						spec: {
							containers: [
								{
									command: [
										'/bin/sh',
										'-c',
										'MPI_HOST=`cat /etc/volcano/mpiworker.host | tr "\\n" ","`;\nmkdir -p /var/run/sshd; /usr/sbin/sshd;\nmpiexec --allow-run-as-root --host ${MPI_HOST} -np 2 mpi_hello_world 003e /home/re',
									],
									image: '*.*.*.*:20202/swr/openmpi-hello:3.28',
									name: 'mpimaster',
									ports: [{containerPort: 22, name: 'mpijob-port'}],
									resources: {limits: {cpu: '250m', memory: '1Gi'}, requests: {cpu: '250m', memory: '1Gi'}},
									workingDir: '/home',
								},
							],
							imagePullSecrets: [{name: 'imagepull-secret'}],
							restartPolicy: 'OnFailure',
						},
					},
				},
				{
					name: 'mpiworker',
					replicas: 2,
					template: {
						spec: {
							containers: [
								{
									command: ['/bin/sh', '-c', 'mkdir -p /var/run/sshd; /usr/sbin/sshd -D;'],
									image: '*.*.*.*:20202/swr/openmpi-hello:3.28',
									name: 'mpiworker',
									ports: [{containerPort: 22, name: 'mpijob-port'}],
									resources: {limits: {cpu: '250m', memory: '1Gi'}, requests: {cpu: '250m', memory: '1Gi'}},
									workingDir: '/home',
								},
							],
							imagePullSecrets: [{name: 'imagepull-secret'}],
							restartPolicy: 'OnFailure',
						},
					},
				},
			],
		},
		status: {minAvailable: 1, pending: 3, state: {phase: 'Inqueue'}},
	},
};
